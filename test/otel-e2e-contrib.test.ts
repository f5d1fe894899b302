// End to end with the official @opentelemetry/instrumentation-openai instead of our wrapper: its
// chat span, stamped by TokenLedgerSpanProcessor in an app that runs its own Node SDK, reaches the
// real receiver and is billed to the client. Expected costs are worked out by hand from
// packages/pricing/src/catalog/data/openai.json (o4-mini: $1.10 input, $0.275 cached, $4.40 output per 1M).
import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { isGenAiSpan, TokenLedgerSpanProcessor, withAttribution } from '@tokenledger/otel';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { chatUsage, openAiReply } from '../packages/otel/src/test-support/openai-wire.js';
import { patchOfficialOpenAI } from '../packages/otel/src/test-support/official-openai.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { reportedCostUsd, storedCalls } from './support/stored-calls.js';

let r: TestReceiver;
let server: FakeServer;
let provider: NodeTracerProvider;
let unpatch: () => void;

beforeAll(async () => {
  [r, server] = await Promise.all([startTestReceiver('otel_e2e_contrib'), startFakeServer(openAiReply)]);
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'contrib-app' }),
    spanProcessors: [new TokenLedgerSpanProcessor({ endpoint: r.url, exportFilter: isGenAiSpan })],
  });
  provider.register();
  unpatch = patchOfficialOpenAI(provider);
});
afterAll(async () => {
  unpatch();
  await Promise.all([provider.shutdown(), server.close()]);
  trace.disable();
  context.disable();
  propagation.disable();
  await r.stop();
});

describe('@opentelemetry/instrumentation-openai -> TokenLedgerSpanProcessor -> receiver', () => {
  it('bills its chat span to the client; it reports no cached tokens, so the cached 1,920 are billed at the full input rate', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const attribution = { client: 'contrib-acme', project: 'helpdesk', feature: 'triage', tags: { plan: 'pro' } };
    await withAttribution(attribution, () => client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }] }));
    await provider.forceFlush();

    // The provider did report a cache hit; the instrumentation drops it.
    expect(chatUsage.prompt_tokens_details.cached_tokens).toBe(1920);
    const calls = await storedCalls(r, 'contrib-acme');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      ...attribution,
      app: 'contrib-app',
      provider: 'openai',
      operation: 'chat',
      requestModel: 'o4-mini',
      responseModel: 'o4-mini-2025-04-16',
      priceKey: 'openai/o4-mini@2025-04-16',
      scope: '@opentelemetry/instrumentation-openai',
    });
    expect(calls[0]!.tokens).toEqual({ input: 2006, cached: 0, write5m: 0, write1h: 0, output: 300, reasoning: 0 });
    // 2,006 x 1,100 + 300 x 4,400 (our wrapper, which reports the cache hit, bills 1,942,600)
    expect(calls[0]!.nanos).toEqual({ input: 2_206_600n, cached: 0n, write: 0n, output: 1_320_000n, total: 3_526_600n });
    expect(await reportedCostUsd(r, 'contrib-acme')).toBe('0.003526600');
  });
});
