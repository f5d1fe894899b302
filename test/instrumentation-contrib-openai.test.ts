import { SpanKind, trace } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentOpenAI, withAttribution } from '../packages/otel/src/index.js';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { patchOfficialOpenAI } from '../packages/otel/src/test-support/official-openai.js';
import { openAiReply } from '../packages/otel/src/test-support/openai-wire.js';
import { startInstrumentedApp, type InstrumentedApp } from './support/instrumented-app.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

// The fake API answers o4-mini with 2006 input tokens (1920 of them cache reads) and 300 output.
// o4-mini: $1.10/M input, $0.275/M cached input, $4.40/M output.
//   cache-blind: 2006 x 1.10 + 300 x 4.40                  = $0.003526600
//   exact:       86 x 1.10 + 1920 x 0.275 + 300 x 4.40     = $0.001942600
let r: TestReceiver;
let app: InstrumentedApp;
let server: FakeServer;
let unpatch: () => void;

beforeAll(async () => {
  r = await startTestReceiver('instr_contrib', { yaml: 'settle:\n  enabled: false\n' });
  app = startInstrumentedApp(r);
  server = await startFakeServer(openAiReply);
  unpatch = patchOfficialOpenAI(app.provider);
});
afterAll(async () => {
  unpatch();
  await server.close();
  await app.shutdown();
  await r.stop();
});

const ask = (client: OpenAI) => client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }] });

describe('@opentelemetry/instrumentation-openai 0.21 with the real openai client', () => {
  it('bills per client, cached input at the full rate (it reports no cached tokens)', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await withAttribution({ client: 'contrib-co' }, () => ask(client));
    expect((await app.bill())['contrib-co']).toEqual([1, '0.003526600']);
  });

  it('inherits the client from the request span a middleware tagged', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const tracer = trace.getTracer('http-server');
    await tracer.startActiveSpan('POST /triage', { kind: SpanKind.SERVER, attributes: { 'tokenledger.client.id': 'server-co' } }, async (span) => {
      await ask(client);
      span.end();
    });
    expect((await app.bill())['server-co']).toEqual([1, '0.003526600']);
  });

  it('with @tokenledger/otel instrumentOpenAI on the same client, bills the call once at the exact cached rate', async () => {
    const client = instrumentOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 }));
    await withAttribution({ client: 'both-co' }, () => ask(client));
    expect((await app.bill())['both-co']).toEqual([1, '0.001942600']);
  });
});
