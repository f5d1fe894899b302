/**
 * OpenLLMetry/Traceloop v0.23+ (reference §3.1): semconv 1.40-style keys. Anthropic and
 * Bedrock-Anthropic input is made cache-inclusive by the instrumentation, so all input is inclusive.
 * `gen_ai.usage.reasoning_tokens` comes from google-generativeai, whose output is Gemini's
 * `candidatesTokenCount` without thoughts, so for Google providers it is added to output (the
 * Python OpenAI instrumentation uses the same key for OpenAI's reasoning, which output includes).
 */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { TokenReader } from '../attribute-values.js';
import { type DialectRule, type Extraction, finishCall } from '../dialect-rule.js';
import { genAiModels, genAiOperation, genAiProviderName, hasAnyKey, hasUsage, readGenAiTokens } from '../genai-keys.js';
import { NOT_MODEL_CALL } from '../outcomes.js';
import { canonicalProvider } from '../provider-aliases.js';
import { isTraceloopEstimate, isTraceloopWrapper, TRACELOOP_SCOPE_PREFIX } from './traceloop-common.js';

const FINGERPRINT_KEYS = ['traceloop.span.kind', 'traceloop.entity.name', 'traceloop.workflow.name'] as const;
const VENDOR_REASONING_KEYS = ['gen_ai.usage.reasoning_tokens'] as const;
const LEGACY_TOTAL_KEYS = ['llm.usage.total_tokens'] as const;

function extract(span: DecodedSpan): Extraction {
  if (isTraceloopWrapper(span)) return NOT_MODEL_CALL;
  const attributes = span.attributes;
  const reader = new TokenReader(attributes);
  const tokens = readGenAiTokens(reader);
  const vendorReasoning = tokens.reasoning === undefined ? reader.first(VENDOR_REASONING_KEYS) : undefined;
  tokens.reasoning ??= vendorReasoning;
  tokens.total ??= reader.first(LEGACY_TOTAL_KEYS);
  const metered = hasUsage(tokens);
  const operation = genAiOperation(span, metered);
  if (operation === undefined) return NOT_MODEL_CALL;
  const provider = canonicalProvider(genAiProviderName(attributes));
  return finishCall(span, {
    provider,
    operation,
    ...genAiModels(attributes),
    tokens,
    semantics: { inputIncludesCache: true, outputIncludesReasoning: vendorReasoning === undefined || !provider.startsWith('gcp.') },
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
