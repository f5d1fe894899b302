import type { FakeReply, RecordedRequest } from './fake-server.js';

/**
 * Anthropic wire fixtures. `input_tokens` EXCLUDES cache reads and writes; the cache write is
 * split by lifetime in `cache_creation` (5-minute and 1-hour ephemeral).
 */
export const messageUsage = {
  input_tokens: 120,
  cache_creation_input_tokens: 3000,
  cache_read_input_tokens: 18000,
  cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
  output_tokens: 850,
  // Extended thinking, part of output_tokens (newer API versions report the split).
  output_tokens_details: { thinking_tokens: 400 },
  service_tier: 'standard',
};

const message = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-5-5-20261001',
  content: [{ type: 'text', text: 'Here is the contract summary.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: messageUsage,
};

function messageStream(): FakeReply {
  const startUsage = { input_tokens: 45, cache_creation_input_tokens: 0, cache_read_input_tokens: 9000, output_tokens: 1 };
  return {
    sse: [
      { event: 'message_start', data: { type: 'message_start', message: { ...message, id: 'msg_01Stream', content: [], stop_reason: null, usage: startUsage } } },
      { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
      { event: 'ping', data: { type: 'ping' } },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } } },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      // Newer API versions repeat the input-side counts here; output_tokens is the final count.
      { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 312, cache_read_input_tokens: 9000, input_tokens: 45, cache_creation_input_tokens: null } } },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ],
  };
}

export function anthropicReply(req: RecordedRequest): FakeReply {
  const body = (req.json ?? {}) as Record<string, unknown>;
  if (req.path !== '/v1/messages') return { status: 404, json: { type: 'error', error: { type: 'not_found_error', message: 'no route' } } };
  if (body.model === 'overloaded') {
    return { status: 529, json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } };
  }
  return body.stream === true ? messageStream() : { json: message };
}
