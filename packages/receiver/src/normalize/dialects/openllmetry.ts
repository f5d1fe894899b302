/**
 * OpenLLMetry/Traceloop v0.23+ (reference §3.1): semconv 1.40-style keys. Anthropic and
 * Bedrock-Anthropic input is made cache-inclusive by the instrumentation, so all input is inclusive.
 * `gen_ai.usage.reasoning_tokens` comes only from google-generativeai, whose output is Gemini's
 * `candidatesTokenCount` without thoughts, so it is added to output; the semconv reasoning key is
 * already inside output.
 */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { TokenReader } from '../attribute-values.js';
import { type DialectRule, type Extraction, finishCall } from '../dialect-rule.js';
import { genAiModels, genAiOperation, genAiProviderName, hasAnyKey, hasUsage, readGenAiTokens } from '../genai-keys.js';
import { NOT_MODEL_CALL } from '../outcomes.js';
import { canonicalProvider } from '../provider-aliases.js';
import { isTraceloopEstimate, isTraceloopWrapper, TRACELOOP_SCOPE_PREFIX } from './traceloop-common.js';

const FINGERPRINT_KEYS = ['traceloop.span.kind', 'traceloop.entity.name', 'traceloop.workflow.name'] as const;
const GEMINI_REASONING_KEYS = ['gen_ai.usage.reasoning_tokens'] as const;
const LEGACY_TOTAL_KEYS = ['llm.usage.total_tokens'] as const;

function extract(span: DecodedSpan): Extraction {
  if (isTraceloopWrapper(span)) return NOT_MODEL_CALL;
  const attributes = span.attributes;
  const reader = new TokenReader(attributes);
  const tokens = readGenAiTokens(reader);
  const geminiReasoning = tokens.reasoning === undefined ? reader.first(GEMINI_REASONING_KEYS) : undefined;
  tokens.reasoning ??= geminiReasoning;
  tokens.total ??= reader.first(LEGACY_TOTAL_KEYS);
  const metered = hasUsage(tokens);
  const operation = genAiOperation(span, metered);
  if (operation === undefined) return NOT_MODEL_CALL;
  return finishCall(span, {
    provider: canonicalProvider(genAiProviderName(attributes)),
    operation,
    ...genAiModels(attributes),
    tokens,
    semantics: { inputIncludesCache: true, outputIncludesReasoning: geminiReasoning === undefined },
    tokenError: reader.error,
    estimated: isTraceloopEstimate(span, operation, metered, tokens.cacheRead),
  });
}

export const openLlmetryDialect: DialectRule = {
  name: 'openllmetry',
  byScope: (span) => span.scope.name.startsWith(TRACELOOP_SCOPE_PREFIX),
  byAttributes: (span) => hasAnyKey(span.attributes, FINGERPRINT_KEYS),
  extract,
};
