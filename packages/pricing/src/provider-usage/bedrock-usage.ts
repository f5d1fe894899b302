import type { Usage } from '../usage.js';
import { usageFromAnthropic, type AnthropicRawUsage } from './anthropic-usage.js';
import { count, firstCount } from './count.js';

/** Bedrock Converse `usage`, or the InvokeModel `amazon-bedrock-invocationMetrics`. */
export interface BedrockRawUsage {
  inputTokens?: number | null;
  outputTokens?: number | null;
  cacheReadInputTokens?: number | null;
  cacheWriteInputTokens?: number | null;
  inputTokenCount?: number | null;
  outputTokenCount?: number | null;
}

/**
 * Bedrock Converse counts like Anthropic, EXCLUSIVELY: `inputTokens` leaves out
 * `cacheReadInputTokens` and `cacheWriteInputTokens` (totalTokens adds all of them), so input is
 * the sum. Converse has no 1-hour write count. InvokeModel responses for Claude carry Anthropic's
 * own `usage` body, which goes through usageFromAnthropic.
 */
export function usageFromBedrock(raw: BedrockRawUsage | AnthropicRawUsage): Usage {
  if ('input_tokens' in raw || 'cache_read_input_tokens' in raw) return usageFromAnthropic(raw as AnthropicRawUsage);
  const r = raw as BedrockRawUsage;
  const uncached = firstCount(r.inputTokens, r.inputTokenCount);
  const read = count(r.cacheReadInputTokens);
  const write = count(r.cacheWriteInputTokens);
  return {
    inputTokens: uncached + read + write,
    cachedInputTokens: read,
    cacheWriteTokens: write,
    cacheWrite1hTokens: 0,
    outputTokens: firstCount(r.outputTokens, r.outputTokenCount),
    reasoningTokens: 0,
  };
}
