import { anthropicReply } from '../../packages/otel/src/test-support/anthropic-wire.js';
import type { FakeReply, RecordedRequest } from '../../packages/otel/src/test-support/fake-server.js';

/**
 * `message_start` usage of a streamed request that writes the prompt cache with both lifetimes.
 * As on the non-streamed wire, `input_tokens` excludes cache reads and writes, and
 * `cache_creation_input_tokens` is the sum of the two lifetimes.
 */
export const streamedStartUsage = {
  input_tokens: 45,
  cache_creation_input_tokens: 2500,
  cache_read_input_tokens: 9000,
  cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 2000 },
  output_tokens: 1,
};

/** The otel package's Anthropic fake, with cache writes on the stream too (its own stream only reads the cache). */
export function anthropicReplyWithStreamedWrites(req: RecordedRequest): FakeReply {
  const reply = anthropicReply(req);
  if (!('sse' in reply)) return reply;
  return {
    sse: reply.sse.map((e) => {
      if (e.event !== 'message_start') return e;
      const data = e.data as { message: Record<string, unknown> };
      return { ...e, data: { ...data, message: { ...data.message, usage: streamedStartUsage } } };
    }),
  };
}
