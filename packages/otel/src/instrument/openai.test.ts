import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAttribution } from '../attribution/attribution.js';
import { startFakeServer, type FakeServer } from '../test-support/fake-server.js';
import { openAiReply } from '../test-support/openai-wire.js';
import { setupTracing, type TestTracing } from '../test-support/tracing.js';
import { instrumentOpenAI } from './openai.js';

let server: FakeServer;
let tracing: TestTracing;
let client: OpenAI;
let port: number;

beforeAll(async () => {
  tracing = setupTracing();
  server = await startFakeServer(openAiReply);
  port = Number(new URL(server.url).port);
  client = instrumentOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 }));
});
afterAll(async () => {
  await server.close();
  await tracing.shutdown();
});
beforeEach(() => {
  tracing.exporter.reset();
  server.requests.length = 0;
});

const acme = { client: 'acme', project: 'support', feature: 'summarize', tags: { tier: 'gold' } };
const acmeKeys = {
  'tokenledger.client.id': 'acme',
  'tokenledger.project': 'support',
  'tokenledger.feature': 'summarize',
  'tokenledger.tag.tier': 'gold',
};
const base = () => ({ 'gen_ai.provider.name': 'openai', 'server.address': '127.0.0.1', 'server.port': port });

describe('instrumentOpenAI', () => {
  it('records a chat completion with cached and reasoning tokens, attributed', async () => {
    const result = await withAttribution(acme, () =>
      client.chat.completions.create({ model: 'o4-mini', service_tier: 'default', messages: [{ role: 'user', content: 'Summarize' }] }),
    );
    expect(result.choices[0]?.message.content).toBe('Summary.');
    const span = tracing.span('chat o4-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...base(),
      ...acmeKeys,
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'o4-mini',
      'openai.request.service_tier': 'default',
      'gen_ai.response.id': 'chatcmpl-Bx7q2',
      'gen_ai.response.model': 'o4-mini-2025-04-16',
      'openai.response.service_tier': 'default',
      'gen_ai.usage.input_tokens': 2006,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.usage.cache_read.input_tokens': 1920,
      'gen_ai.usage.reasoning.output_tokens': 192,
    });
  });

  it('keeps the APIPromise helpers (.withResponse) of a non-streamed call', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    expect(data.id).toBe('chatcmpl-Bx7q2');
    expect(response.status).toBe(200);
    expect(tracing.spans()).toHaveLength(1);
  });

  it('asks for stream usage the caller did not request, and hides it from the caller', async () => {
    const params = { model: 'gpt-4o-mini', stream: true as const, messages: [{ role: 'user' as const, content: 'Hi' }] };
    const stream = await client.chat.completions.create(params);
    const chunks: unknown[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(params).toEqual({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    expect((server.requests[0]?.json as Record<string, unknown>).stream_options).toEqual({ include_usage: true });
    // Exactly the four chunks OpenAI sends without include_usage: no usage chunk, no `usage` key.
    expect(chunks).toHaveLength(4);
    for (const chunk of chunks) expect(Object.keys(chunk as object)).not.toContain('usage');
    expect(tracing.span('chat gpt-4o-mini').attributes).toEqual({
      ...base(),
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'chatcmpl-Bx7q3',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'openai.response.service_tier': 'default',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 40,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'gen_ai.usage.reasoning.output_tokens': 0,
    });
  });

  it('passes the usage chunk through when the caller asked for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(5);
    expect(chunks[4]?.choices).toEqual([]);
    expect(chunks[4]?.usage?.prompt_tokens).toBe(1200);
    expect(chunks[0]?.usage).toBeNull();
    expect(tracing.span('chat gpt-4o-mini').attributes['gen_ai.usage.input_tokens']).toBe(1200);
  });

  it('ends the span when the caller abandons a stream', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    for await (const chunk of stream) {
      expect(chunk.id).toBe('chatcmpl-Bx7q3');
      break;
    }
    expect(tracing.span('chat gpt-4o-mini').attributes).toEqual({
      ...base(),
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'chatcmpl-Bx7q3',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'openai.response.service_tier': 'default',
    });
  });

  it('records a Responses API call, plain and streamed', async () => {
    const plain = await client.responses.create({ model: 'gpt-5', input: 'Plan the week' });
    expect(plain.id).toBe('resp_67cb71b351908190');
    const stream = await client.responses.create({ model: 'gpt-5', input: 'Plan the week', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(['response.created', 'response.output_text.delta', 'response.completed']);

    const expected = {
      ...base(),
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-5',
      'gen_ai.response.id': 'resp_67cb71b351908190',
      'gen_ai.response.model': 'gpt-5-2025-08-07',
      'openai.response.service_tier': 'flex',
      'gen_ai.usage.input_tokens': 5200,
      'gen_ai.usage.output_tokens': 900,
      'gen_ai.usage.cache_read.input_tokens': 4096,
      'gen_ai.usage.reasoning.output_tokens': 640,
    };
    const [first, second] = tracing.spans();
    expect(first?.attributes).toEqual(expected);
    expect(second?.attributes).toEqual({ ...expected, 'gen_ai.request.stream': true });
  });

  it('records embeddings with input tokens only', async () => {
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float' });
    expect(tracing.span('embeddings text-embedding-3-small').attributes).toEqual({
      ...base(),
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.response.model': 'text-embedding-3-small',
      'gen_ai.usage.input_tokens': 8,
    });
  });

  it('records a provider error with status ERROR and error.type, and rethrows it', async () => {
    const call = client.chat.completions.create({ model: 'rate-limited', messages: [{ role: 'user', content: 'x' }] });
    await expect(call).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const span = tracing.span('chat rate-limited');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining('Rate limit reached') });
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'rate-limited',
      'error.type': 'RateLimitError',
    });
  });

  it('patches only the given client, once', async () => {
    const other = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
    instrumentOpenAI(client);
    await other.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }] });
    await client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(tracing.spans()).toHaveLength(1);
  });
});
