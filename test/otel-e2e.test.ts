// End to end: the real vendor SDK -> fake provider server (each vendor's wire format, incl. SSE)
// -> our wrapper span -> OTLP/HTTP protobuf -> the real receiver -> ClickHouse. Every expected
// cost below is worked out by hand from packages/pricing/src/catalog/data/*.json (USD per 1M
// tokens, so one token costs price x 1,000 nano-USD), never by calling the pricing engine.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import {
  instrumentAnthropic,
  instrumentGoogleGenAI,
  instrumentOpenAI,
  register,
  TokenLedgerSpanProcessor,
  withAttribution,
  type TokenLedgerShutdown,
} from '@tokenledger/otel';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { geminiReply } from '../packages/otel/src/test-support/gemini-wire.js';
import { openAiReply } from '../packages/otel/src/test-support/openai-wire.js';
import { anthropicReplyWithStreamedWrites } from './support/anthropic-streamed-cache-writes.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { reportedCostUsd, storedCalls, type StoredCall } from './support/stored-calls.js';

let r: TestReceiver;
let openaiServer: FakeServer;
let anthropicServer: FakeServer;
let geminiServer: FakeServer;
/** The one-line setup (global provider): used by the OpenAI cases. */
let registered: TokenLedgerShutdown;
/** An app that runs its own SDK: TokenLedgerSpanProcessor on a BasicTracerProvider (Anthropic, Gemini). */
let ownProvider: BasicTracerProvider;

beforeAll(async () => {
  [r, openaiServer, anthropicServer, geminiServer] = await Promise.all([
    startTestReceiver('otel_e2e'),
    startFakeServer(openAiReply),
    startFakeServer(anthropicReplyWithStreamedWrites),
    startFakeServer(geminiReply),
  ]);
  registered = register({ endpoint: r.url, serviceName: 'e2e-app', environment: 'e2e' });
  ownProvider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'e2e-own-sdk' }),
    spanProcessors: [new TokenLedgerSpanProcessor({ endpoint: r.url })],
  });
});
afterAll(async () => {
  await Promise.all([registered(), ownProvider.shutdown(), openaiServer.close(), anthropicServer.close(), geminiServer.close()]);
  trace.disable();
  context.disable();
  propagation.disable();
  await r.stop();
});

/** The attribution each case runs under, and what its stored row must carry. */
const scope = (client: string) => ({ client, project: 'helpdesk', feature: 'summarize', tags: { plan: 'pro' } });

/** Flushes every provider (the exporter resolves once the receiver answered), then the one stored call. */
async function theStoredCall(client: string): Promise<StoredCall> {
  await Promise.all([registered.forceFlush(), ownProvider.forceFlush()]);
  const calls = await storedCalls(r, client);
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

describe('instrumentOpenAI -> register() -> receiver -> ClickHouse', () => {
  const openai = () => instrumentOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${openaiServer.url}/v1`, maxRetries: 0 }));
  const messages = [{ role: 'user' as const, content: 'Summarize' }];

  it('chat: prompt_tokens already include the cached 1,920; billed at o4-mini $1.10 / $0.275 cached / $4.40', async () => {
    await withAttribution(scope('oa-chat'), () => openai().chat.completions.create({ model: 'o4-mini', messages }));
    const call = await theStoredCall('oa-chat');
    expect(call).toMatchObject({
      ...scope('oa-chat'),
      app: 'e2e-app',
      provider: 'openai',
      operation: 'chat',
      requestModel: 'o4-mini',
      responseModel: 'o4-mini-2025-04-16',
      priceKey: 'openai/o4-mini@2025-04-16',
      scope: '@tokenledger/otel',
    });
    expect(call.tokens).toEqual({ input: 2006, cached: 1920, write5m: 0, write1h: 0, output: 300, reasoning: 192 });
    // 86 uncached x 1,100 + 1,920 cached x 275 + 300 out (192 of them reasoning) x 4,400
    expect(call.nanos).toEqual({ input: 94_600n, cached: 528_000n, write: 0n, output: 1_320_000n, total: 1_942_600n });
    expect(await reportedCostUsd(r, 'oa-chat')).toBe('0.001942600');
  });

  it('chat stream without include_usage: the wrapper asks for usage; billed at gpt-4o-mini $0.15 / $0.075 / $0.60', async () => {
    const stream = await withAttribution(scope('oa-stream'), () =>
      openai().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }),
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello');
    const call = await theStoredCall('oa-stream');
    expect(call).toMatchObject({ requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18', priceKey: 'openai/gpt-4o-mini@2024-07-18' });
    expect(call.tokens).toEqual({ input: 1200, cached: 1024, write5m: 0, write1h: 0, output: 40, reasoning: 0 });
    // 176 x 150 + 1,024 x 75 + 40 x 600
    expect(call.nanos).toEqual({ input: 26_400n, cached: 76_800n, write: 0n, output: 24_000n, total: 127_200n });
    expect(await reportedCostUsd(r, 'oa-stream')).toBe('0.000127200');
  });

  it('responses: the flex tier the response reports is billed (gpt-5 flex $0.625 / $0.0625 / $5)', async () => {
    const response = await withAttribution(scope('oa-responses'), () => openai().responses.create({ model: 'gpt-5', input: 'Plan it' }));
    expect(response.output_text).toBe('Done.');
    const call = await theStoredCall('oa-responses');
    expect(call).toMatchObject({ responseModel: 'gpt-5-2025-08-07', serviceTier: 'flex', priceKey: 'openai/gpt-5@2025-08-07' });
    expect(call.tokens).toEqual({ input: 5200, cached: 4096, write5m: 0, write1h: 0, output: 900, reasoning: 640 });
    // 1,104 x 625 + 4,096 x 62.5 + 900 x 5,000
    expect(call.nanos).toEqual({ input: 690_000n, cached: 256_000n, write: 0n, output: 4_500_000n, total: 5_446_000n });
    expect(await reportedCostUsd(r, 'oa-responses')).toBe('0.005446000');
  });

  it('embeddings: input only, at text-embedding-3-small $0.02', async () => {
    await withAttribution(scope('oa-embed'), () => openai().embeddings.create({ model: 'text-embedding-3-small', input: 'invoice' }));
    const call = await theStoredCall('oa-embed');
    expect(call).toMatchObject({ operation: 'embeddings', priceKey: 'openai/text-embedding-3-small@2024-01-25' });
    expect(call.tokens).toEqual({ input: 8, cached: 0, write5m: 0, write1h: 0, output: 0, reasoning: 0 });
    expect(call.nanos).toEqual({ input: 160n, cached: 0n, write: 0n, output: 0n, total: 160n });
    expect(await reportedCostUsd(r, 'oa-embed')).toBe('0.000000160');
  });
});

describe('instrumentAnthropic -> TokenLedgerSpanProcessor on a BasicTracerProvider -> receiver', () => {
  // The request names the catalog model; the fake answers with a snapshot the catalog does not
  // know (claude-sonnet-5-5-20261001), so the price falls back to the requested model. The SDK's
  // own call span is off (docs/otel.md "Anthropic's own spans"): each test counts exactly one row.
  const anthropic = () =>
    instrumentAnthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: anthropicServer.url, maxRetries: 0, openTelemetry: false }), {
      tracerProvider: ownProvider,
    });
  const request = { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Summarize the contract' }] };

  it('messages: input = input + cache read + cache write; 1-hour writes at the 1-hour rate (sonnet 4.6 $3 / $0.30 / $3.75 / $6 / $15)', async () => {
    await withAttribution(scope('an-plain'), () => anthropic().messages.create(request));
    const call = await theStoredCall('an-plain');
    expect(call).toMatchObject({ ...scope('an-plain'), app: 'e2e-own-sdk', provider: 'anthropic', priceKey: 'anthropic/claude-sonnet-4-6@2026-02-17' });
    // wire: input 120, cache_read 18,000, cache_creation 3,000 = 1,000 (5m) + 2,000 (1h); output 850 incl. 400 thinking
    expect(call.tokens).toEqual({ input: 21_120, cached: 18_000, write5m: 1000, write1h: 2000, output: 850, reasoning: 400 });
    // 120 x 3,000 + 18,000 x 300 + (1,000 x 3,750 + 2,000 x 6,000) + 850 x 15,000
    expect(call.nanos).toEqual({ input: 360_000n, cached: 5_400_000n, write: 15_750_000n, output: 12_750_000n, total: 34_260_000n });
    expect(await reportedCostUsd(r, 'an-plain')).toBe('0.034260000');
  });

  it('messages.stream(): usage from message_start and message_delta, with cache read and both write lifetimes', async () => {
    const message = await withAttribution(scope('an-stream'), () => anthropic().messages.stream(request).finalMessage());
    expect(message.content).toEqual([{ type: 'text', text: 'Hello' }]);
    const call = await theStoredCall('an-stream');
    expect(call).toMatchObject({ provider: 'anthropic', priceKey: 'anthropic/claude-sonnet-4-6@2026-02-17' });
    // wire: input 45, cache_read 9,000, cache_creation 2,500 = 500 (5m) + 2,000 (1h); final output 312
    expect(call.tokens).toEqual({ input: 11_545, cached: 9000, write5m: 500, write1h: 2000, output: 312, reasoning: 0 });
    // 45 x 3,000 + 9,000 x 300 + (500 x 3,750 + 2,000 x 6,000) + 312 x 15,000
    expect(call.nanos).toEqual({ input: 135_000n, cached: 2_700_000n, write: 13_875_000n, output: 4_680_000n, total: 21_390_000n });
    expect(await reportedCostUsd(r, 'an-stream')).toBe('0.021390000');
  });
});

describe('instrumentGoogleGenAI -> TokenLedgerSpanProcessor on a BasicTracerProvider -> receiver', () => {
  const gemini = () => instrumentGoogleGenAI(new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: geminiServer.url } }), { tracerProvider: ownProvider });

  it('generateContent: promptTokenCount includes cached content, thoughts add to output (gemini-2.5-pro $1.25 / $0.125 / $10)', async () => {
    const result = await withAttribution(scope('gm-plain'), () => gemini().models.generateContent({ model: 'gemini-2.5-pro', contents: 'Forecast' }));
    expect(result.text).toBe('Forecast ready.');
    const call = await theStoredCall('gm-plain');
    expect(call).toMatchObject({ ...scope('gm-plain'), provider: 'gcp.gemini', operation: 'generate_content', priceKey: 'gcp.gemini/gemini-2.5-pro@2025-06-17' });
    // wire: promptTokenCount 4,100 (4,000 cached), candidates 220 + thoughts 780
    expect(call.tokens).toEqual({ input: 4100, cached: 4000, write5m: 0, write1h: 0, output: 1000, reasoning: 780 });
    // 100 x 1,250 + 4,000 x 125 + 1,000 x 10,000
    expect(call.nanos).toEqual({ input: 125_000n, cached: 500_000n, write: 0n, output: 10_000_000n, total: 10_625_000n });
    expect(await reportedCostUsd(r, 'gm-plain')).toBe('0.010625000');
  });

  it('generateContentStream: the last chunk carries the totals, thoughts included (gemini-2.5-flash $0.30 / $2.50)', async () => {
    const stream = await withAttribution(scope('gm-stream'), () =>
      gemini().models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Forecast' }),
    );
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('Forecast.');
    const call = await theStoredCall('gm-stream');
    expect(call).toMatchObject({ responseModel: 'gemini-2.5-flash', priceKey: 'gcp.gemini/gemini-2.5-flash@2025-06-17' });
    // wire (final chunk): prompt 900, candidates 60 + thoughts 140
    expect(call.tokens).toEqual({ input: 900, cached: 0, write5m: 0, write1h: 0, output: 200, reasoning: 140 });
    expect(call.nanos).toEqual({ input: 270_000n, cached: 0n, write: 0n, output: 500_000n, total: 770_000n });
    expect(await reportedCostUsd(r, 'gm-stream')).toBe('0.000770000');
  });
});
