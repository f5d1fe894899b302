import type { Usage } from '../usage.js';
import { count } from './count.js';

/** Anthropic Messages `usage` (also the body of Claude on Bedrock InvokeModel and on Vertex). */
export interface AnthropicRawUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
}

/**
 * Anthropic counts EXCLUSIVELY: `input_tokens` is only the uncached part, and cache reads and
 * writes are reported beside it. The record's input is therefore the sum of the three. Writes
 * split into 5-minute and 1-hour lifetimes when `cache_creation` is present; without it all
 * writes are 5-minute (the default TTL). Extended thinking is inside `output_tokens` and is not
 * reported separately, so reasoningTokens stays 0.
 */
export function usageFromAnthropic(raw: AnthropicRawUsage): Usage {
  const uncached = count(raw.input_tokens);
  const cacheRead = count(raw.cache_read_input_tokens);
  const writes = count(raw.cache_creation_input_tokens);
  const w1h = raw.cache_creation ? count(raw.cache_creation.ephemeral_1h_input_tokens) : 0;
  const w5m = raw.cache_creation
    ? Math.max(count(raw.cache_creation.ephemeral_5m_input_tokens), writes - w1h)
    : writes;
  return {
    inputTokens: uncached + cacheRead + w5m + w1h,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: w5m,
    cacheWrite1hTokens: w1h,
    outputTokens: count(raw.output_tokens),
    reasoningTokens: 0,
  };
}
