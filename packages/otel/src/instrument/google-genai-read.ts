import type { StreamReader } from './call-runner.js';
import { count, sum, type GenAiResponse, type GenAiUsage } from './genai-span.js';
import { at, str } from './patch-method.js';

/**
 * Gemini `usageMetadata`: `promptTokenCount` includes cached content, but tool-use prompt tokens
 * are counted apart and `candidatesTokenCount` EXCLUDES `thoughtsTokenCount` (both are billed),
 * so input and output are summed to match OTel's inclusive totals.
 */
export function geminiUsage(meta: unknown): GenAiUsage | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const reasoning = count(at(meta, 'thoughtsTokenCount'));
  return {
    input: sum(count(at(meta, 'promptTokenCount')), count(at(meta, 'toolUsePromptTokenCount'))),
    output: sum(count(at(meta, 'candidatesTokenCount')), reasoning),
    cacheRead: count(at(meta, 'cachedContentTokenCount')),
    reasoning,
  };
}

export function readGenerateContent(result: unknown): GenAiResponse {
  return {
    id: str(at(result, 'responseId')),
    model: str(at(result, 'modelVersion')),
    usage: geminiUsage(at(result, 'usageMetadata')),
  };
}

/** Each streamed chunk repeats id and model; the last one with `usageMetadata` has the totals. */
export function generateContentStreamReader(): StreamReader {
  const response: GenAiResponse = {};
  return {
    onChunk(chunk) {
      const read = readGenerateContent(chunk);
      response.id ??= read.id;
      response.model ??= read.model;
      if (read.usage !== undefined) response.usage = read.usage;
      return true;
    },
    result: () => response,
  };
}
