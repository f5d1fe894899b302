/**
 * OTel GenAI semconv keys, current and deprecated (reference §1.1, §1.2), shared by every dialect
 * whose producer writes `gen_ai.*`. First key present wins.
 */
import type { Attributes, DecodedSpan } from '../otlp/decoded-span.js';
import { firstString, readString, type TokenReader } from './attribute-values.js';
import type { RawTokens } from './build-usage.js';
import { billableOperation, operationFromSpanName } from './operations.js';

export const OPERATION_KEY = 'gen_ai.operation.name';
export const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system'] as const;
export const REQUEST_MODEL_KEYS = ['gen_ai.request.model'] as const;
export const RESPONSE_MODEL_KEYS = ['gen_ai.response.model'] as const;

export const INPUT_KEYS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'] as const;
export const OUTPUT_KEYS = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'] as const;
/** `cache_read_input_tokens` (no dot) is OpenLLMetry's pre-semconv spelling. */
export const CACHE_READ_KEYS = ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'] as const;
/** `cache_write` is the genai-repo rename (PR #440) of v1.41's `cache_creation`. */
export const CACHE_WRITE_KEYS = [
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
] as const;
export const REASONING_KEYS = ['gen_ai.usage.reasoning.output_tokens'] as const;
/**
 * Anthropic's 1-hour share of the cache writes, as both `@anthropic-ai/sdk` (internal/tracing.ts)
 * and `@tokenledger/otel` emit it: the total stays in `cache_write`, so the 1-hour part is split out
 * of it here and priced at the higher 1-hour rate. The 5-minute key is the remainder; not read.
 */
export const CACHE_WRITE_1H_KEY = 'anthropic.usage.cache_creation.ephemeral_1h_input_tokens';
/** Not an OTel key: an OpenLLMetry/OpenLIT extension, used only for the §9 rule 9 cross-check. */
export const TOTAL_KEYS = ['gen_ai.usage.total_tokens'] as const;

/** Any of these marks a span as GenAI for the generic dialect: direct lookups, no key scan. */
export const GENAI_FINGERPRINT_KEYS = [
  OPERATION_KEY,
  'gen_ai.provider.name',
  'gen_ai.system',
  'gen_ai.request.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
] as const;

export function hasAnyKey(attributes: Attributes, keys: readonly string[]): boolean {
  for (const key of keys) {
    if (attributes[key] !== undefined) return true;
  }
  return false;
}

export function readGenAiTokens(reader: TokenReader): RawTokens {
  const tokens: RawTokens = {
    input: reader.first(INPUT_KEYS),
    output: reader.first(OUTPUT_KEYS),
    cacheRead: reader.first(CACHE_READ_KEYS),
    cacheWrite: reader.first(CACHE_WRITE_KEYS),
    reasoning: reader.first(REASONING_KEYS),
    total: reader.first(TOTAL_KEYS),
  };
  const oneHour = reader.one(CACHE_WRITE_1H_KEY);
  // A 1-hour count larger than the total is inconsistent: keep the total, priced at the 5-minute rate.
  if (tokens.cacheWrite !== undefined && oneHour !== undefined && oneHour > 0 && oneHour <= tokens.cacheWrite) {
    tokens.cacheWrite -= oneHour;
    tokens.cacheWrite1h = oneHour;
  }
  return tokens;
}

export function genAiModels(attributes: Attributes): { requestModel: string; responseModel: string } {
  return { requestModel: firstString(attributes, REQUEST_MODEL_KEYS), responseModel: firstString(attributes, RESPONSE_MODEL_KEYS) };
}

export function genAiProviderName(attributes: Attributes): string {
  return firstString(attributes, PROVIDER_KEYS);
}

/**
 * The billable operation of a semconv span, or undefined for wrappers, tools and the like.
 * Without `gen_ai.operation.name`, the span name `{operation} {model}` decides; a span that still
 * carries usage is kept as a chat call (§9 rule 2: "usage but no recognisable operation").
 */
export function genAiOperation(span: DecodedSpan, hasUsage: boolean): string | undefined {
  const declared = readString(span.attributes, OPERATION_KEY);
  if (declared !== undefined) return billableOperation(declared);
  return operationFromSpanName(span.name) ?? (hasUsage ? 'chat' : undefined);
}

export function hasUsage(tokens: RawTokens): boolean {
  return tokens.input !== undefined || tokens.output !== undefined || tokens.cacheRead !== undefined || tokens.cacheWrite !== undefined;
}
