import { createPricer, loadCatalog } from '@tokenledger/pricing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../../otel/src/test-support/fake-server.js';
import { parseGatewayConfig } from '../config/gateway-config.js';
import { startGateway } from '../server/start-gateway.js';
import { startHeldStream } from '../test-support/held-stream.js';

const sse = (data: unknown, event?: string) => `${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`;
const chunk = (content: string) => ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }], usage: null });
/** The extra chunk include_usage brings: no choices, the usage of the whole call. */
const usageChunk = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } };
const pricer = createPricer(loadCatalog());

/** Stands in for the receiver: takes every OTLP export, has no budgets. */
let receiver: FakeServer;
beforeAll(async () => {
  receiver = await startFakeServer((req) => (req.path === '/v1/traces' ? { json: {} } : { status: 404, json: { error: { code: 'not_found', message: 'no budget' } } }));
});
afterAll(() => receiver.close());

async function gatewayTo(upstream: string) {
  const config = parseGatewayConfig({ receiver_url: receiver.url, upstreams: { openai: { base_url: `${upstream}/v1` }, anthropic: { base_url: `${upstream}/v1` } } }, {}, 0);
  return startGateway(config, { pricer, spanDelayMs: 10 });
}

describe('streams', () => {
  it('are forwarded as they arrive: the first event reaches the caller while upstream still holds the rest', async () => {
    const first = sse({ type: 'message_start', message: { id: 'm1', model: 'claude-sonnet-4-6', usage: { input_tokens: 10, output_tokens: 1 } } }, 'message_start');
    const rest = sse({ type: 'message_delta', usage: { output_tokens: 5 } }, 'message_delta') + sse({ type: 'message_stop' }, 'message_stop');
    const held = await startHeldStream(first, rest);
    const gw = await gatewayTo(held.url);
    try {
      const res = await fetch(`${gw.url}/anthropic/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 16, stream: true, messages: [] }) });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      expect(decoder.decode((await reader.read()).value)).toBe(first);
      held.release();
      let text = '';
      for (let next = await reader.read(); !next.done; next = await reader.read()) text += decoder.decode(next.value);
      expect(text).toBe(rest);
    } finally {
      await gw.stop();
      await held.close();
    }
  });

  it('a caller that disconnects mid-stream aborts the upstream request', async () => {
    const held = await startHeldStream(sse(chunk('Hel')), sse(chunk('lo')) + 'data: [DONE]\n\n');
    const gw = await gatewayTo(held.url);
    try {
      const abort = new AbortController();
      const client = new OpenAI({ apiKey: 'sk-own', baseURL: `${gw.url}/openai/v1`, maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [], stream: true }, { signal: abort.signal });
      const iterator = stream[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value?.choices[0]?.delta.content).toBe('Hel');
      // The gateway asked for usage; the caller did not, so `usage: null` is not shown either.
      expect(first.value && 'usage' in first.value).toBe(false);
      abort.abort();
      await held.aborted;
      await expect.poll(async () => (await (await fetch(`${gw.url}/metrics`)).text()).includes('tokenledger_gateway_in_flight 0'), { timeout: 10_000 }).toBe(true);
    } finally {
      await gw.stop();
      await held.close();
    }
  });

  it('shutdown waits for a call in flight to finish, then sends its span', async () => {
    const held = await startHeldStream(sse(chunk('Hel')), sse(usageChunk) + 'data: [DONE]\n\n');
    const gw = await gatewayTo(held.url);
    const exportsBefore = receiver.requests.length;
    try {
      const res = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [], stream: true }) });
      const reader = res.body!.getReader();
      await reader.read();
      let stopped = false;
      const stopping = gw.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stopped).toBe(false);
      held.release();
      let text = '';
      for (let next = await reader.read(); !next.done; next = await reader.read()) text += new TextDecoder().decode(next.value);
      // The usage chunk the gateway asked for is hidden; [DONE] is kept.
      expect(text).toBe('data: [DONE]\n\n');
      await stopping;
      const exported = receiver.requests.slice(exportsBefore).filter((r) => r.path === '/v1/traces');
      expect(exported.map((r) => r.body).join('')).toContain('chat gpt-4o-mini');
    } finally {
      await held.close();
    }
  });
});
