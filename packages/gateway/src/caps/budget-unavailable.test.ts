import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { createPricer, loadCatalog } from '@tokenledger/pricing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicReply } from '../../../otel/src/test-support/anthropic-wire.js';
import { startFakeServer, type FakeServer } from '../../../otel/src/test-support/fake-server.js';
import { openAiReply } from '../../../otel/src/test-support/openai-wire.js';
import { parseGatewayConfig } from '../config/gateway-config.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';

const pricer = createPricer(loadCatalog());
const messages = [{ role: 'user' as const, content: 'Hi' }];
let openai: FakeServer;
let anthropic: FakeServer;
/** A receiver URL nothing listens on: every budget read fails, and no earlier answer exists. */
let receiverUrl: string;
/** A receiver that takes spans but resets every budget read (one restarting behind its balancer). */
const resetting = createServer((req, res) => (req.url === '/v1/traces' ? req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')) : req.socket.destroy()));
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startFakeServer(openAiReply), startFakeServer(anthropicReply)]);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
  await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await Promise.all([openai.close(), anthropic.close(), new Promise((resolve) => resetting.close(resolve))]);
});

async function gateway(section: Record<string, unknown> = {}, receiver = `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`) {
  const upstreams = { openai: { base_url: `${openai.url}/v1` }, anthropic: { base_url: `${anthropic.url}/v1` } };
  const hardCappedScopes = [{ feature: 'summarize' }];
  const gw = await startGateway(parseGatewayConfig({ receiver_url: receiver, upstreams, ...section }, {}, 0), { pricer, spanDelayMs: 10, hardCappedClients: ['capped'], hardCappedScopes });
  gateways.push(gw);
  return gw;
}
const gpt = (gw: RunningGateway, client: string) =>
  new OpenAI({ apiKey: 'sk-own', baseURL: `${gw.url}/openai/v1`, maxRetries: 0, defaultHeaders: { 'X-TokenLedger-Client': client } }).chat.completions.create({ model: 'gpt-4o-mini', messages });
const refusal = (call: Promise<unknown>) => call.then(() => undefined, (error: unknown) => error as { status: number; headers: Headers; error: unknown });
const metrics = async (gw: RunningGateway) => (await fetch(`${gw.url}/metrics`)).text();

describe('when the receiver budget API cannot be reached and no earlier answer is known', () => {
  it('by default a hard-capped client is refused with 503 in the provider shape, nothing sent upstream; other clients are served', async () => {
    const gw = await gateway({}, receiverUrl);
    const upstreamBefore = openai.requests.length + anthropic.requests.length;
    const refused = await refusal(gpt(gw, 'capped'));
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('5');
    expect(refused?.error).toMatchObject({ type: 'budget_unavailable', code: 'budget_unavailable', message: expect.stringContaining('hard cap cannot be enforced') });
    const claude = new Anthropic({ apiKey: 'sk-ant-own', baseURL: `${gw.url}/anthropic`, maxRetries: 0, defaultHeaders: { 'X-TokenLedger-Client': 'capped' } });
    const refusedToo = await refusal(claude.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages }));
    expect(refusedToo?.status).toBe(503);
    expect(refusedToo?.error).toMatchObject({ type: 'error', error: { type: 'budget_unavailable' } });
    expect(openai.requests.length + anthropic.requests.length).toBe(upstreamBefore);

    expect((await gpt(gw, 'uncapped')).choices[0]?.message.content).toBe('Summary.');
    expect(openai.requests.length).toBe(upstreamBefore + 1);
    const text = await metrics(gw);
    expect(text).toContain('tokenledger_gateway_budget_unavailable_total{outcome="refused"} 2');
    expect(text).toContain('tokenledger_gateway_budget_unavailable_total{outcome="served"} 1');
    expect(text).toContain('tokenledger_gateway_refused_total{provider="openai",reason="budget_unavailable"} 1');
    expect(text).toContain('tokenledger_gateway_requests_total{provider="anthropic",status="503"} 1');
  });

  it('a call in a hard-capped budget scope is refused too, attributed or not; calls outside the scope are served', async () => {
    const gw = await gateway({}, receiverUrl);
    const upstreamBefore = openai.requests.length;
    const inScope = (client?: string) =>
      new OpenAI({ apiKey: 'sk-own', baseURL: `${gw.url}/openai/v1`, maxRetries: 0, defaultHeaders: { ...(client ? { 'X-TokenLedger-Client': client } : {}), 'X-TokenLedger-Feature': 'summarize' } }).chat.completions.create({ model: 'gpt-4o-mini', messages });
    const unattributed = await refusal(inScope());
    expect(unattributed?.status).toBe(503);
    expect(unattributed?.error).toMatchObject({ code: 'budget_unavailable', message: expect.stringContaining('hard-capped budget scope') });
    expect((await refusal(inScope('uncapped')))?.status).toBe(503);
    expect(openai.requests.length).toBe(upstreamBefore);
    expect((await gpt(gw, 'uncapped')).choices[0]?.message.content).toBe('Summary.');
    expect(openai.requests.length).toBe(upstreamBefore + 1);
    const text = await metrics(gw);
    expect(text).toContain('tokenledger_gateway_budget_unavailable_total{outcome="refused"} 2');
    expect(text).toContain('tokenledger_gateway_budget_unavailable_total{outcome="served"} 2');
  });

  it('a receiver that resets the budget read counts as unreachable too', async () => {
    const gw = await gateway();
    expect((await refusal(gpt(gw, 'capped')))?.status).toBe(503);
    expect((await gpt(gw, 'uncapped')).choices[0]?.message.content).toBe('Summary.');
  });

  it('refuse_all refuses every attributed call; unattributed calls have no budget to check and are served', async () => {
    const gw = await gateway({ budget_unavailable: 'refuse_all' });
    expect((await refusal(gpt(gw, 'uncapped')))?.status).toBe(503);
    const unattributed = await new OpenAI({ apiKey: 'sk-own', baseURL: `${gw.url}/openai/v1`, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(unattributed.choices[0]?.message.content).toBe('Summary.');
  });

  it('serve_all lets even a hard-capped client through, and counts it', async () => {
    const gw = await gateway({ budget_unavailable: 'serve_all' });
    expect((await gpt(gw, 'capped')).choices[0]?.message.content).toBe('Summary.');
    expect(await metrics(gw)).toContain('tokenledger_gateway_budget_unavailable_total{outcome="served"} 1');
  });
});
