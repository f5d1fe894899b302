// @traceloop/instrumentation-anthropic 0.27 patches `Anthropic.Completions`, which @anthropic-ai/sdk
// 1.x removed (it throws while patching), so this test runs the last 0.x client.
import Anthropic from 'anthropic-sdk-0';
import * as anthropicModule from 'anthropic-sdk-0';
import { AnthropicInstrumentation } from '@traceloop/instrumentation-anthropic';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAttribution } from '../packages/otel/src/index.js';
import { anthropicReply } from '../packages/otel/src/test-support/anthropic-wire.js';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { openAiReply } from '../packages/otel/src/test-support/openai-wire.js';
import { startInstrumentedApp, type InstrumentedApp } from './support/instrumented-app.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

let r: TestReceiver;
let app: InstrumentedApp;
let openaiServer: FakeServer;
let anthropicServer: FakeServer;
const instrumentations: Array<{ disable(): void }> = [];

beforeAll(async () => {
  r = await startTestReceiver('instr_traceloop', { yaml: 'settle:\n  enabled: false\nattribution:\n  client_keys: [traceloop.association.properties.customer_id]\n' });
  app = startInstrumentedApp(r);
  openaiServer = await startFakeServer(openAiReply);
  // The wire fixture's message, from a model the catalog prices.
  anthropicServer = await startFakeServer((req) => {
    const reply = anthropicReply(req);
    return 'json' in reply ? { ...reply, json: { ...(reply.json as object), model: 'claude-sonnet-4-5-20250929' } } : reply;
  });
  const openai = new OpenAIInstrumentation({ enrichTokens: false });
  openai.setTracerProvider(app.provider);
  openai.manuallyInstrument(OpenAI);
  const anthropic = new AnthropicInstrumentation();
  anthropic.setTracerProvider(app.provider);
  anthropic.manuallyInstrument(anthropicModule as never);
  instrumentations.push(openai, anthropic);
});
afterAll(async () => {
  for (const i of instrumentations) i.disable();
  await openaiServer.close();
  await anthropicServer.close();
  await app.shutdown();
  await r.stop();
});

describe('OpenLLMetry 0.27 (@traceloop/instrumentation-openai, -anthropic) with the real clients', () => {
  it('OpenAI chat: no cached tokens reported, so cached input is billed at the full rate', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${openaiServer.url}/v1`, maxRetries: 0 });
    await withAttribution({ client: 'tl-openai-co' }, () => client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }] }));
    // 0.27 reads prompt/completion tokens only: 2006 x $1.10/M + 300 x $4.40/M
    expect((await app.bill())['tl-openai-co']).toEqual([1, '0.003526600']);
  });

  it('Anthropic messages: cache reads and writes billed at their own rates', async () => {
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: anthropicServer.url, maxRetries: 0 });
    await withAttribution({ client: 'tl-anthropic-co' }, () => client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'x' }] }));
    // claude-sonnet-4-5: 120 x $3/M + 18000 cache reads x $0.30/M + 1000 5-minute writes x $3.75/M
    // + 2000 1-hour writes x $6/M + 850 x $15/M
    expect((await app.bill())['tl-anthropic-co']).toEqual([1, '0.034260000']);
  });
});
