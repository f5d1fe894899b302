/**
 * Langfuse SDKs put usage and cost in JSON-string attributes (reference §7):
 * `langfuse.observation.usage_details` is a flat object whose `input` is the NON-cached input and
 * `output` the NON-reasoning output (Langfuse subtracts cache and reasoning on ingest), unless the
 * app passed OpenAI's own usage shape (`prompt_tokens`, inclusive). Cost is advisory only.
 */
import type { TokenReader } from '../attribute-values.js';
import type { RawTokens, TokenSemantics } from '../build-usage.js';
import { usdToNanos } from '../usd-nanos.js';

export const USAGE_DETAILS_KEY = 'langfuse.observation.usage_details';
export const COST_DETAILS_KEY = 'langfuse.observation.cost_details';

type Json = Record<string, unknown>;

export interface LangfuseUsage {
  tokens: RawTokens;
  semantics: TokenSemantics;
}

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

function first(reader: TokenReader, details: Json, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    if (!Object.hasOwn(details, key) || details[key] === null) continue;
    return reader.parse(`${USAGE_DETAILS_KEY}.${key}`, details[key]);
  }
  return undefined;
}

function nested(details: Json, key: string): Json {
  const value = Object.hasOwn(details, key) ? details[key] : undefined;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** undefined when the attribute is not a JSON object: the span is malformed. */
export function parseUsageDetails(text: string, reader: TokenReader): LangfuseUsage | undefined {
  const details = parseObject(text);
  if (details === undefined) return undefined;
  if (Object.hasOwn(details, 'prompt_tokens')) {
    return {
      tokens: {
        input: first(reader, details, ['prompt_tokens']),
        output: first(reader, details, ['completion_tokens']),
        cacheRead: first(reader, nested(details, 'prompt_tokens_details'), ['cached_tokens']),
        reasoning: first(reader, nested(details, 'completion_tokens_details'), ['reasoning_tokens']),
        total: first(reader, details, ['total_tokens']),
      },
      semantics: { inputIncludesCache: true, outputIncludesReasoning: true },
    };
  }
  const oneHour = first(reader, details, ['input_cache_creation_1h']);
  const fiveMinutes = first(reader, details, ['input_cache_creation_5m']);
  const split = oneHour !== undefined || fiveMinutes !== undefined;
  return {
    tokens: {
      input: first(reader, details, ['input']),
      output: first(reader, details, ['output']),
      cacheRead: first(reader, details, ['input_cached_tokens', 'input_cache_read', 'cache_read_input_tokens']),
      cacheWrite: split ? fiveMinutes : first(reader, details, ['input_cache_creation', 'cache_creation_input_tokens']),
      cacheWrite1h: oneHour,
      reasoning: first(reader, details, ['output_reasoning_tokens', 'output_reasoning']),
      total: first(reader, details, ['total']),
    },
    semantics: { inputIncludesCache: false, outputIncludesReasoning: false },
  };
}

/** `total` when given, else the sum of the per-type costs; null when unreadable. */
export function parseCostDetails(text: string): bigint | null {
  const details = parseObject(text);
  if (details === undefined) return null;
  if (Object.hasOwn(details, 'total')) return usdToNanos(details.total);
  let sum = 0n;
  let seen = false;
  for (const key of Object.keys(details)) {
    const nanos = usdToNanos(details[key]);
    if (nanos === null) return null;
    sum += nanos;
    seen = true;
  }
  return seen ? sum : null;
}
