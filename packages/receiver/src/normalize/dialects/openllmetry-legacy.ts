/**
 * OpenLLMetry/Traceloop up to v0.22 (reference §3.2), plus the current vertexai instrumentation that
 * still writes these keys: `llm.request.type` for the operation, `gen_ai.usage.prompt_tokens` /
 * `completion_tokens`, `llm.usage.total_tokens`, and capitalised `gen_ai.system` vendors.
 * Anthropic `prompt_tokens` is Anthropic's raw `input_tokens` and raw Bedrock counts omit cache
 * tokens too, so for those two input is cache-exclusive and cache counts are added (§9 rule 8).
 */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { readString, TokenReader } from '../attribute-values.js';
import { type DialectRule, type Extraction, finishCall } from '../dialect-rule.js';
import { genAiModels, genAiOperation, genAiProviderName, hasAnyKey, hasUsage, readGenAiTokens } from '../genai-keys.js';
import { NOT_MODEL_CALL } from '../outcomes.js';
import { billableOperation } from '../operations.js';
import { canonicalProvider } from '../provider-aliases.js';
import { isTraceloopEstimate, isTraceloopWrapper, TRACELOOP_SCOPE_PREFIX } from './traceloop-common.js';

const REQUEST_TYPE_KEY = 'llm.request.type';
const FINGERPRINT_KEYS = [REQUEST_TYPE_KEY, 'llm.usage.total_tokens'] as const;
const LEGACY_KEYS = [REQUEST_TYPE_KEY, 'gen_ai.usage.prompt_tokens'] as const;
const TOTAL_KEYS = ['llm.usage.total_tokens', 'gen_ai.usage.total_tokens'] as const;
const CACHE_EXCLUSIVE: ReadonlySet<string> = new Set(['anthropic', 'aws.bedrock']);

/** `Google` is what the vertexai instrumentation writes (§3.1); elsewhere `google` means Gemini. */
function legacyProvider(raw: string): string {
  return raw === 'Google' ? 'gcp.vertex_ai' : canonicalProvider(raw);
}

function operationOf(span: DecodedSpan, metered: boolean): string | undefined {
  if (span.attributes['gen_ai.operation.name'] !== undefined) return genAiOperation(span, metered);
  const requestType = readString(span.attributes, REQUEST_TYPE_KEY);
  if (requestType !== undefined) return billableOperation(requestType);
  return metered ? 'chat' : undefined;
}

function extract(span: DecodedSpan): Extraction {
  if (isTraceloopWrapper(span)) return NOT_MODEL_CALL;
  const attributes = span.attributes;
  const reader = new TokenReader(attributes);
  const tokens = readGenAiTokens(reader);
  tokens.total = reader.first(TOTAL_KEYS);
  const metered = hasUsage(tokens);
  const operation = operationOf(span, metered);
  if (operation === undefined) return NOT_MODEL_CALL;
  const provider = legacyProvider(genAiProviderName(attributes));
  return finishCall(span, {
    provider,
    operation,
    ...genAiModels(attributes),
    tokens,
    semantics: { inputIncludesCache: !CACHE_EXCLUSIVE.has(provider), outputIncludesReasoning: true },
    tokenError: reader.error,
    estimated: isTraceloopEstimate(span, operation, metered, tokens.cacheRead),
  });
}

export const openLlmetryLegacyDialect: DialectRule = {
  name: 'openllmetry-legacy',
  byScope: (span) => span.scope.name.startsWith(TRACELOOP_SCOPE_PREFIX) && hasAnyKey(span.attributes, LEGACY_KEYS),
  byAttributes: (span) => hasAnyKey(span.attributes, FINGERPRINT_KEYS),
  extract,
};
