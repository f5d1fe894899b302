import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAttribution } from '../packages/otel/src/index.js';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { openAiReply } from '../packages/otel/src/test-support/openai-wire.js';
import { startInstrumentedApp, type InstrumentedApp } from './support/instrumented-app.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

let r: TestReceiver;
let app: InstrumentedApp;
let server: FakeServer;

beforeAll(async () => {
  r = await startTestReceiver('instr_ai_sdk', { yaml: 'settle:\n  enabled: false\nattribution:\n  client_keys: [ai.telemetry.metadata.client]\n' });
  app = startInstrumentedApp(r);
  server = await startFakeServer(openAiReply);
});
afterAll(async () => {
  await server.close();
  await app.shutdown();
  await r.stop();
});

describe('Vercel AI SDK 6 (ai + @ai-sdk/openai 3) telemetry', () => {
  const openai = () => createOpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1` });

  it('bills the doGenerate span once (never the ai.generateText root that repeats it), cache priced exactly', async () => {
    await withAttribution({ client: 'ai-co' }, () => generateText({ model: openai().chat('o4-mini'), prompt: 'x', experimental_telemetry: { isEnabled: true } }));
    // 86 x $1.10/M + 1920 cached x $0.275/M + 300 x $4.40/M
    expect((await app.bill())['ai-co']).toEqual([1, '0.001942600']);
  });

  it('takes the client from telemetry metadata with attribution.client_keys', async () => {
    await generateText({ model: openai().chat('o4-mini'), prompt: 'x', experimental_telemetry: { isEnabled: true, metadata: { client: 'meta-co' } } });
    expect((await app.bill())['meta-co']).toEqual([1, '0.001942600']);
  });
});
