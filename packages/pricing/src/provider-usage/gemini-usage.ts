import type { Usage } from '../usage.js';
import { firstCount } from './count.js';

/** Gemini `usageMetadata` (Gemini API and Vertex AI; camelCase REST/JS or snake_case Python). */
export interface GeminiRawUsage {
  promptTokenCount?: number | null;
  candidatesTokenCount?: number | null;
  cachedContentTokenCount?: number | null;
  thoughtsTokenCount?: number | null;
  toolUsePromptTokenCount?: number | null;
  prompt_token_count?: number | null;
  candidates_token_count?: number | null;
  cached_content_token_count?: number | null;
  thoughts_token_count?: number | null;
  tool_use_prompt_token_count?: number | null;
}

/**
 * Gemini's prompt count INCLUDES cached content (`cachedContentTokenCount` is a subset), but
 * its candidates count EXCLUDES thinking: `thoughtsTokenCount` is billed as output on top. Tool-use
 * prompt tokens are billed as input. Context-cache storage is billed per hour, not per call.
 */
export function usageFromGemini(raw: GeminiRawUsage): Usage {
  const prompt = firstCount(raw.promptTokenCount, raw.prompt_token_count);
  const toolUse = firstCount(raw.toolUsePromptTokenCount, raw.tool_use_prompt_token_count);
  const cached = firstCount(raw.cachedContentTokenCount, raw.cached_content_token_count);
  const thoughts = firstCount(raw.thoughtsTokenCount, raw.thoughts_token_count);
  const candidates = firstCount(raw.candidatesTokenCount, raw.candidates_token_count);
  const inputTokens = prompt + toolUse;
  return {
    inputTokens,
    cachedInputTokens: Math.min(cached, inputTokens),
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: candidates + thoughts,
    reasoningTokens: thoughts,
  };
}
