import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAttribution } from '../attribution/attribution.js';
import { anthropicReply } from '../test-support/anthropic-wire.js';
import { startFakeServer, type FakeServer } from '../test-support/fake-server.js';
import { setupTracing, type TestTracing } from '../test-support/tracing.js';
import { instrumentAnthropic } from './anthropic.js';

let server: FakeServer;
let tracing: TestTracing;
let client: Anthropic;
let port: number;

beforeAll(async () => {
  tracing = setupTracing();
  server = await startFakeServer(anthropicReply);
  port = Number(new URL(server.url).port);
  // The SDK's own call spans are off here so each test sees only ours; see the last test.
  client = instrumentAnthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 0, openTelemetry: false }));
});
afterAll(async () => {
  await server.close();
  await tracing.shutdown();
});
beforeEach(() => {
  tracing.exporter.reset();
  server.requests.length = 0;
});

const base = () => ({
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'claude-sonnet-5-5',
  'server.address': '127.0.0.1',
  'server.port': port,
});
const params = { model: 'claude-sonnet-5-5', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Summarize' }] };

describe('instrumentAnthropic', () => {
  it('sums uncached input, cache reads and cache writes into input_tokens, with the 1h split', async () => {
    const message = await withAttribution({ client: 'globex', feature: 'contracts' }, () => client.messages.create(params));
    expect(message.usage.input_tokens).toBe(120);
    const span = tracing.span('chat claude-sonnet-5-5');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      ...base(),
      'tokenledger.client.id': 'globex',
      'tokenledger.feature': 'contracts',
      'gen_ai.response.id': 'msg_01XFDUDYJgAACzvnptvVoYEL',
      'gen_ai.response.model': 'claude-sonnet-5-5-20261001',
      'gen_ai.usage.input_tokens': 120 + 18000 + 3000,
      'gen_ai.usage.output_tokens': 850,
      'gen_ai.usage.cache_read.input_tokens': 18000,
      'gen_ai.usage.cache_write.input_tokens': 3000,
      'anthropic.usage.cache_creation.ephemeral_5m_input_tokens': 1000,
      'anthropic.usage.cache_creation.ephemeral_1h_input_tokens': 2000,
      'gen_ai.usage.reasoning.output_tokens': 400,
    });
  });

  const streamed = () => ({
    ...base(),
    'gen_ai.request.stream': true,
    'gen_ai.response.id': 'msg_01Stream',
    'gen_ai.response.model': 'claude-sonnet-5-5-20261001',
    'gen_ai.usage.input_tokens': 45 + 9000,
    'gen_ai.usage.output_tokens': 312,
    'gen_ai.usage.cache_read.input_tokens': 9000,
    'gen_ai.usage.cache_write.input_tokens': 0,
  });

  it('merges message_start and message_delta usage of a raw stream', async () => {
    const stream = await client.messages.create({ ...params, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(tracing.span('chat claude-sonnet-5-5').attributes).toEqual(streamed());
  });

  it('covers messages.stream(), which the SDK routes through messages.create', async () => {
    const final = await client.messages.stream(params).finalMessage();
    expect(final.usage.output_tokens).toBe(312);
    expect(tracing.span('chat claude-sonnet-5-5').attributes).toEqual(streamed());
  });

  it('records an API error and rethrows it untouched', async () => {
    await expect(client.messages.create({ ...params, model: 'overloaded' })).rejects.toBeInstanceOf(Anthropic.APIError);
    const span = tracing.span('chat overloaded');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toEqual({ ...base(), 'gen_ai.request.model': 'overloaded', 'error.type': 'OverloadedError' });
  });

  it('parents the SDK’s own call span under ours when its tracing is on', async () => {
    const traced = instrumentAnthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 0 }));
    await withAttribution({ client: 'globex' }, () => traced.messages.create(params));
    const ours = tracing.span('chat claude-sonnet-5-5');
    const theirs = tracing.spans().find((s) => s.name !== ours.name);
    expect(theirs?.parentSpanContext?.spanId).toBe(ours.spanContext().spanId);
    expect(theirs?.attributes['gen_ai.response.id']).toBe(ours.attributes['gen_ai.response.id']);
    // The processor stamps the attribution on spans of other tracers too.
    expect(theirs?.attributes['tokenledger.client.id']).toBe('globex');
    // With its tracing on, the SDK also propagates the context: the attribution leaves as W3C baggage.
    expect(server.requests[0]?.headers.baggage).toBe('tokenledger.client.id=globex');
    expect(server.requests[0]?.headers.traceparent).toContain(ours.spanContext().traceId);
  });
});
