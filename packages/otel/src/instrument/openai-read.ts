import type { StreamReader } from './call-runner.js';
import { count, type GenAiResponse, type GenAiUsage } from './genai-span.js';
import { at, str } from './patch-method.js';

/**
 * Chat Completions and Embeddings usage. OpenAI's `prompt_tokens` already includes cached tokens
 * and `completion_tokens` includes reasoning tokens, as OTel wants; OpenAI reports no cache writes.
 */
export function chatUsage(usage: unknown): GenAiUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  return {
    input: count(at(usage, 'prompt_tokens')),
    output: count(at(usage, 'completion_tokens')),
    cacheRead: count(at(usage, 'prompt_tokens_details', 'cached_tokens')),
    reasoning: count(at(usage, 'completion_tokens_details', 'reasoning_tokens')),
  };
}

/** Responses API usage: same meaning, other names (`input_tokens_details`, `output_tokens_details`). */
export function responsesUsage(usage: unknown): GenAiUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  return {
    input: count(at(usage, 'input_tokens')),
    output: count(at(usage, 'output_tokens')),
    cacheRead: count(at(usage, 'input_tokens_details', 'cached_tokens')),
    reasoning: count(at(usage, 'output_tokens_details', 'reasoning_tokens')),
  };
}

export function readChatCompletion(result: unknown): GenAiResponse {
  return {
    id: str(at(result, 'id')),
    model: str(at(result, 'model')),
    serviceTier: str(at(result, 'service_tier')),
    usage: chatUsage(at(result, 'usage')),
  };
}

export function readResponse(result: unknown): GenAiResponse {
  return {
    id: str(at(result, 'id')),
    model: str(at(result, 'model')),
    serviceTier: str(at(result, 'service_tier')),
    usage: responsesUsage(at(result, 'usage')),
  };
}

export function readEmbeddings(result: unknown): GenAiResponse {
  const usage = chatUsage(at(result, 'usage'));
  // Embeddings have no output tokens; `completion_tokens` is absent, so only input is set.
  return { model: str(at(result, 'model')), usage: usage && { input: usage.input } };
}

/**
 * Chat chunks. When we asked for usage on the caller's behalf (`hideUsage`), the final chunk with
 * empty `choices` is ours and is hidden, and the `usage: null` that include_usage adds to every
 * other chunk is removed, so the caller sees exactly the stream it asked for.
 */
export function chatStreamReader(hideUsage: boolean): StreamReader {
  const response: GenAiResponse = {};
  return {
    onChunk(chunk) {
      const c = chunk as Record<string, unknown>;
      response.id ??= str(c.id);
      response.model ??= str(c.model);
      response.serviceTier = str(c.service_tier) ?? response.serviceTier;
      const usage = chatUsage(c.usage);
      if (usage !== undefined) response.usage = usage;
      if (!hideUsage) return true;
      if (c.usage === null) delete c.usage;
      return !(usage !== undefined && Array.isArray(c.choices) && c.choices.length === 0);
    },
    result: () => response,
  };
}

/** Responses API events: `response.created` … `response.completed` carry the response object. */
export function responsesStreamReader(): StreamReader {
  let response: GenAiResponse = {};
  return {
    onChunk(event) {
      const r = at(event, 'response');
      if (typeof r === 'object' && r !== null) {
        const read = readResponse(r);
        response = { ...response, ...definedOnly(read) };
      }
      return true;
    },
    result: () => response,
  };
}

function definedOnly(r: GenAiResponse): GenAiResponse {
  const out: GenAiResponse = {};
  if (r.id !== undefined) out.id = r.id;
  if (r.model !== undefined) out.model = r.model;
  if (r.serviceTier !== undefined) out.serviceTier = r.serviceTier;
  if (r.usage !== undefined) out.usage = r.usage;
  return out;
}
