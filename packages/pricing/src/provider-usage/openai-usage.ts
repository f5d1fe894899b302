import type { Usage } from '../usage.js';
import { count, firstCount } from './count.js';

/** OpenAI `usage`: Chat Completions, Responses and Embeddings shapes (also DeepSeek, xAI, Groq, Mistral). */
export interface OpenAIRawUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  input_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek reports cache hits here; prompt_tokens = hits + misses. */
  prompt_cache_hit_tokens?: number | null;
}

/**
 * OpenAI counts inclusively, like the usage record: `prompt_tokens` (Responses: `input_tokens`)
 * already contains `cached_tokens`, and `completion_tokens` already contains `reasoning_tokens`.
 * So nothing is added: cached tokens are a subset of input, reasoning a subset of output.
 * OpenAI bills no cache writes.
 */
export function usageFromOpenAI(raw: OpenAIRawUsage): Usage {
  const inputTokens = firstCount(raw.prompt_tokens, raw.input_tokens);
  const outputTokens = firstCount(raw.completion_tokens, raw.output_tokens);
  const cached = firstCount(raw.prompt_tokens_details?.cached_tokens, raw.input_tokens_details?.cached_tokens, raw.prompt_cache_hit_tokens);
  const reasoning = firstCount(raw.completion_tokens_details?.reasoning_tokens, raw.output_tokens_details?.reasoning_tokens);
  return {
    inputTokens,
    // A subset can never exceed its total; clamp rather than bill tokens that do not exist.
    cachedInputTokens: Math.min(count(cached), inputTokens),
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens,
    reasoningTokens: Math.min(reasoning, outputTokens),
  };
}
