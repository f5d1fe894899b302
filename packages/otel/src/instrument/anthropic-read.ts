import type { StreamReader } from './call-runner.js';
import { count, sum, type GenAiResponse, type GenAiUsage } from './genai-span.js';
import { at, str } from './patch-method.js';

/**
 * Anthropic reports `input_tokens` WITHOUT cache reads and writes; OTel's input includes them, so
 * we sum the three (semantic-conventions docs/gen-ai/anthropic.md). `output_tokens` already
 * includes extended-thinking tokens.
 */
export function anthropicUsage(usage: unknown): GenAiUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const uncached = count(at(usage, 'input_tokens'));
  const cacheRead = count(at(usage, 'cache_read_input_tokens'));
  const cacheWrite = count(at(usage, 'cache_creation_input_tokens'));
  return {
    input: sum(uncached, cacheRead, cacheWrite),
    output: count(at(usage, 'output_tokens')),
    cacheRead,
    cacheWrite,
    cacheWrite5m: count(at(usage, 'cache_creation', 'ephemeral_5m_input_tokens')),
    cacheWrite1h: count(at(usage, 'cache_creation', 'ephemeral_1h_input_tokens')),
    reasoning: count(at(usage, 'output_tokens_details', 'thinking_tokens')),
  };
}

export function readMessage(result: unknown): GenAiResponse {
  return { id: str(at(result, 'id')), model: str(at(result, 'model')), usage: anthropicUsage(at(result, 'usage')) };
}

/** Copies the fields of `update` that are set (not null/undefined) over `base`. */
function overlay(base: Record<string, unknown>, update: unknown): Record<string, unknown> {
  if (typeof update !== 'object' || update === null) return base;
  const out = { ...base };
  for (const [key, value] of Object.entries(update)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}

/**
 * Stream events: `message_start` carries id, model and the input-side usage; `message_delta`
 * carries the final output_tokens (and, on newer API versions, the input-side counts again).
 */
export function messageStreamReader(): StreamReader {
  let id: string | undefined;
  let model: string | undefined;
  let usage: Record<string, unknown> | undefined;
  return {
    onChunk(event) {
      const type = at(event, 'type');
      if (type === 'message_start') {
        id = str(at(event, 'message', 'id'));
        model = str(at(event, 'message', 'model'));
        usage = overlay(usage ?? {}, at(event, 'message', 'usage'));
      } else if (type === 'message_delta') {
        usage = overlay(usage ?? {}, at(event, 'usage'));
      }
      return true;
    },
    result: () => ({ id, model, usage: usage === undefined ? undefined : anthropicUsage(usage) }),
  };
}
