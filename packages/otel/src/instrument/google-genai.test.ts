import { GoogleGenAI } from '@google/genai';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAttribution } from '../attribution/attribution.js';
import { startFakeServer, type FakeServer } from '../test-support/fake-server.js';
import { geminiReply } from '../test-support/gemini-wire.js';
import { setupTracing, type TestTracing } from '../test-support/tracing.js';
import { instrumentGoogleGenAI } from './google-genai.js';

let server: FakeServer;
let tracing: TestTracing;
let client: GoogleGenAI;
let port: number;

beforeAll(async () => {
  tracing = setupTracing();
  server = await startFakeServer(geminiReply);
  port = Number(new URL(server.url).port);
  client = instrumentGoogleGenAI(new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } }));
});
afterAll(async () => {
  await server.close();
  await tracing.shutdown();
});
beforeEach(() => {
  tracing.exporter.reset();
  server.requests.length = 0;
});

const base = (model: string) => ({
  'gen_ai.provider.name': 'gcp.gemini',
  'gen_ai.operation.name': 'generate_content',
  'gen_ai.request.model': model,
  'server.address': '127.0.0.1',
  'server.port': port,
});

describe('instrumentGoogleGenAI', () => {
  it('adds thoughts to output tokens and reports cached content as cache reads', async () => {
    const result = await withAttribution({ client: 'initech', project: 'forecasts' }, () =>
      client.models.generateContent({ model: 'gemini-2.5-pro', contents: 'Forecast Q3' }),
    );
    expect(result.text).toBe('Forecast ready.');
    const span = tracing.span('generate_content gemini-2.5-pro');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      ...base('gemini-2.5-pro'),
      'tokenledger.client.id': 'initech',
      'tokenledger.project': 'forecasts',
      'gen_ai.response.id': 'mJ4QaPqXKbWnz7IPw6bS8Qk',
      'gen_ai.response.model': 'gemini-2.5-pro-preview-06-05',
      'gen_ai.usage.input_tokens': 4100,
      'gen_ai.usage.output_tokens': 220 + 780,
      'gen_ai.usage.cache_read.input_tokens': 4000,
      'gen_ai.usage.reasoning.output_tokens': 780,
    });
  });

  it('takes the usage of the last chunk of a stream', async () => {
    const stream = await client.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Forecast' });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('Forecast.');
    expect(tracing.span('generate_content gemini-2.5-flash').attributes).toEqual({
      ...base('gemini-2.5-flash'),
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'st8QaLm3Np2',
      'gen_ai.response.model': 'gemini-2.5-flash',
      'gen_ai.usage.input_tokens': 900,
      'gen_ai.usage.output_tokens': 200,
      'gen_ai.usage.reasoning.output_tokens': 140,
    });
  });

  it('records an API error and rethrows it', async () => {
    await expect(client.models.generateContent({ model: 'bad-model', contents: 'x' })).rejects.toThrow('model not found');
    const span = tracing.span('generate_content bad-model');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toEqual({ ...base('bad-model'), 'error.type': 'ApiError' });
  });
});
