import { SpanStatusCode, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTracing, type TestTracing } from '../test-support/tracing.js';
import { instrumentOpenAI } from './openai.js';

let tracing: TestTracing;
beforeAll(() => {
  tracing = setupTracing();
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.exporter.reset());

/** A duck-typed, in-process stand-in for an OpenAI client: no SDK, no network. */
function fakeClient(chunks: unknown[], failAfter?: number) {
  return {
    chat: {
      completions: {
        async create(body: { stream?: boolean }) {
          if (body.stream !== true) return { id: 'x', model: 'm', usage: { prompt_tokens: 'garbage', completion_tokens: -3 } };
          return (async function* () {
            for (const [i, chunk] of chunks.entries()) {
              if (i === failAfter) throw new TypeError('connection reset');
              yield chunk;
            }
          })();
        },
      },
    },
  };
}

const brokenProvider: TracerProvider = {
  getTracer: () => ({ startSpan: () => { throw new Error('tracer broke'); } }) as unknown as Tracer,
};

describe('the host call is never broken by instrumentation', () => {
  it('still answers when the tracer throws', async () => {
    const client = instrumentOpenAI(fakeClient([]), { tracerProvider: brokenProvider });
    await expect(client.chat.completions.create({})).resolves.toMatchObject({ id: 'x' });
  });

  it('ignores usage that is not a count instead of recording it', async () => {
    const client = instrumentOpenAI(fakeClient([]));
    await client.chat.completions.create({});
    expect(tracing.span('chat').attributes).toEqual({
      'gen_ai.provider.name': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.response.id': 'x',
      'gen_ai.response.model': 'm',
    });
  });

  it('passes chunks a reader cannot parse, and records a stream that fails midway', async () => {
    const client = instrumentOpenAI(fakeClient([null, 7, { id: 'c1', choices: [] }], 2));
    const stream = (await client.chat.completions.create({ stream: true })) as AsyncIterable<unknown>;
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
    ).rejects.toThrow('connection reset');
    expect(seen).toEqual([null, 7]);
    const span = tracing.span('chat');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connection reset' });
    expect(span.attributes['error.type']).toBe('TypeError');
  });
});
