import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import OpenAI from 'openai';
import * as openaiModule from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAttribution } from '../packages/otel/src/index.js';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { openAiReply } from '../packages/otel/src/test-support/openai-wire.js';
import { startInstrumentedApp, type InstrumentedApp } from './support/instrumented-app.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

let r: TestReceiver;
let app: InstrumentedApp;
let server: FakeServer;
let instrumentation: OpenAIInstrumentation;

beforeAll(async () => {
  r = await startTestReceiver('instr_openinference', { yaml: 'settle:\n  enabled: false\n' });
  app = startInstrumentedApp(r);
  server = await startFakeServer(openAiReply);
  instrumentation = new OpenAIInstrumentation({ tracerProvider: app.provider });
  instrumentation.manuallyInstrument(openaiModule as never);
});
afterAll(async () => {
  instrumentation.disable();
  await server.close();
  await app.shutdown();
  await r.stop();
});

describe('OpenInference (@arizeai/openinference-instrumentation-openai 4.2) with the real openai client', () => {
  it('chat: cache reads reported, billed exactly', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await withAttribution({ client: 'oi-co' }, () => client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }] }));
    // 86 x $1.10/M + 1920 cached x $0.275/M + 300 x $4.40/M
    expect((await app.bill())['oi-co']).toEqual([1, '0.001942600']);
  });

  it('a streamed chat reports no tokens: counted as unmetered, never billed as $0', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await withAttribution({ client: 'oi-stream-co' }, async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] });
      for await (const _ of stream) void _;
    });
    await app.bill();
    const res = await fetch(`${r.url}/api/v1/usage?from=2020-01-01&to=2100-01-01&client=oi-stream-co`);
    const body = (await res.json()) as { rows: Array<Record<string, unknown>> };
    expect(body.rows).toEqual([expect.objectContaining({ client: 'oi-stream-co', calls: 1, cost_usd: '0.000000000', unmetered_calls: 1 })]);
  });
});
