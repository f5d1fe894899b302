/**
 * The ordered rule table (reference §9 rule 1): every rule gets a chance to claim the span by its
 * instrumentation scope before any rule looks at attribute fingerprints, because fingerprints
 * overlap (the Traceloop SDK writes gen_ai.* onto AI SDK spans; Langfuse and OpenLIT wrap SDKs that
 * write semconv keys). Order within each pass: most specific first, generic semconv last.
 */
import type { DecodedSpan } from '../otlp/decoded-span.js';
import type { DialectRule } from './dialect-rule.js';
import { langfuseDialect } from './dialects/langfuse.js';
import { openInferenceDialect } from './dialects/openinference.js';
import { openLitDialect } from './dialects/openlit.js';
import { openLlmetryLegacyDialect } from './dialects/openllmetry-legacy.js';
import { openLlmetryDialect } from './dialects/openllmetry.js';
import { otelGenAiDialect } from './dialects/otel-genai.js';
import { otelOpenAiContribDialect } from './dialects/otel-openai-contrib.js';
import { vercelAiV7Dialect } from './dialects/vercel-ai-v7.js';
import { vercelAiDialect } from './dialects/vercel-ai.js';

export const DIALECT_RULES: readonly DialectRule[] = [
  vercelAiDialect,
  vercelAiV7Dialect,
  openInferenceDialect,
  openLlmetryLegacyDialect,
  openLlmetryDialect,
  openLitDialect,
  otelOpenAiContribDialect,
  langfuseDialect,
  otelGenAiDialect,
];

/** The rule that owns this span, or undefined for a span no GenAI producer wrote. */
export function detectDialect(span: DecodedSpan, rules: readonly DialectRule[] = DIALECT_RULES): DialectRule | undefined {
  for (const rule of rules) {
    if (rule.byScope(span)) return rule;
  }
  for (const rule of rules) {
    if (rule.byAttributes(span)) return rule;
  }
  return undefined;
}
