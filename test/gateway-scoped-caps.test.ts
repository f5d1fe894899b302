// Hard caps on scoped budgets at the gateway: the real Anthropic SDK -> the gateway -> a local fake
// Anthropic server, spans -> the real receiver -> ClickHouse, and the receiver's GET /api/v1/budgets
// back to the gateway. One call of the fake costs 34,260,000 nano-USD (claude-sonnet-4-6, worked
// out in otel-e2e.test.ts); a request's estimate (its bytes / 4 in, max_tokens 1024 out) is above 0.01 USD.
import Anthropic from '@anthropic-ai/sdk';
import { parseGatewayConfig, startGateway, type RunningGateway } from '@tokenledger/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicReply } from '../packages/otel/src/test-support/anthropic-wire.js';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { storedCalls } from './support/stored-calls.js';

const YAML = `clients:
  - id: gw-acme
budgets:
  - { scope: { project: gw-batch }, monthly_budget_usd: 0.01, hard_cap: true }
  - { scope: { app: tokenledger-gateway, feature: gw-translate }, monthly_budget_usd: 0.05, hard_cap: true }
`;

let r: TestReceiver;
let anthropic: FakeServer;
/** Reads budgets with the operator's token. */
let gateway: RunningGateway;
/** Reads budgets with gw-acme's own token: shared caps come without figures. */
let clientGateway: RunningGateway;

beforeAll(async () => {
  [r, anthropic] = await Promise.all([
    startTestReceiver('gateway_scoped', { yaml: YAML, env: { TOKENLEDGER_API_TOKENS: 'admin-token,gw-acme=acme-token' } }),
    startFakeServer(anthropicReply),
  ]);
  const upstreams = { anthropic: { base_url: `${anthropic.url}/v1` } };
  const options = { pricer: buildPricer(r.config), spanDelayMs: 50 };
  gateway = await startGateway(parseGatewayConfig({ receiver_url: r.url, upstreams }, { TOKENLEDGER_RECEIVER_API_TOKEN: 'admin-token' }, 0), options);
  clientGateway = await startGateway(parseGatewayConfig({ receiver_url: r.url, upstreams }, { TOKENLEDGER_RECEIVER_API_TOKEN: 'acme-token' }, 0), options);
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), clientGateway?.stop()]);
  await anthropic.close();
  await r.stop();
});

const request = { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Translate the contract' }] };
const claude = (gw: RunningGateway, tags: Record<string, string>) =>
  new Anthropic({ apiKey: 'sk-ant-caller', baseURL: `${gw.url}/anthropic`, maxRetries: 0, defaultHeaders: { 'x-metering-tags': JSON.stringify(tags) } });
const post = (gw: RunningGateway, tags: Record<string, string>) =>
  fetch(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-ant-caller', 'x-metering-tags': JSON.stringify(tags) }, body: JSON.stringify(request) });
const flush = () => Promise.all([gateway.flush(), clientGateway.flush()]);
async function scoped(scope: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${r.url}/api/v1/budgets`, { headers: { authorization: 'Bearer admin-token' } });
  return ((await res.json()) as { budgets: Record<string, unknown>[] }).budgets.find((b) => JSON.stringify(b.scope) === JSON.stringify(scope))!;
}

describe('gateway hard caps on scoped budgets', () => {
  it('a project budget: of a burst only the call that fits goes upstream, then 429 naming the scope, for any client', async () => {
    const before = anthropic.requests.length;
    const burst = await Promise.all([0, 1, 2, 3].map(() => post(gateway, { client: 'walk-in', project: 'gw-batch' })));
    expect(burst.map((res) => res.status).sort()).toEqual([200, 429, 429, 429]);
    expect(anthropic.requests.length - before).toBe(1);
    const refused = burst.find((res) => res.status === 429)!;
    expect(await refused.json()).toEqual({
      type: 'error',
      error: { type: 'budget_exceeded', message: 'the budget of scope project=gw-batch is used up for this period (hard cap); retry after the period ends' },
    });
    const now = new Date();
    const periodEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    expect(Math.abs(Number(refused.headers.get('retry-after')) - (periodEnd - now.getTime()) / 1000)).toBeLessThan(60);
    await flush();
    expect((await storedCalls(r, 'walk-in')).map((c) => c.nanos.total)).toEqual([34_260_000n]);
    expect(await scoped({ project: 'gw-batch' })).toMatchObject({ spent_usd: '0.034260000', status: 'exceeded' });
    // Now from the stored figure: another client in the same project is refused by the real SDK, a call in another project is not.
    const again = await claude(gateway, { client: 'gw-acme', project: 'gw-batch' }).messages.create(request).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Anthropic.RateLimitError);
    expect((again as InstanceType<typeof Anthropic.RateLimitError>).message).toContain('project=gw-batch');
    await claude(gateway, { client: 'gw-acme', project: 'gw-other' }).messages.create(request);
    expect(anthropic.requests.length - before).toBe(2);
    expect(await (await fetch(`${gateway.url}/metrics`)).text()).toContain('tokenledger_gateway_refused_total{provider="anthropic",reason="budget_exceeded"} 4');
  });

  it("a client's token sees the shared cap without figures, and its gateway refuses by the status alone", async () => {
    const before = anthropic.requests.length;
    const res = await post(clientGateway, { client: 'gw-acme', project: 'gw-batch' });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('project=gw-batch');
    expect(anthropic.requests.length).toBe(before);
  });

  it("the gateway's app and a feature: unattributed calls count, and the one past the budget is refused", async () => {
    const before = anthropic.requests.length;
    const client = claude(gateway, { feature: 'gw-translate' });
    for (let i = 0; i < 2; i++) {
      await client.messages.create(request);
      await flush();
    }
    expect(await scoped({ feature: 'gw-translate', app: 'tokenledger-gateway' })).toMatchObject({ spent_usd: '0.068520000', status: 'exceeded' });
    await expect(client.messages.create(request)).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    expect(anthropic.requests.length - before).toBe(2);
    expect((await storedCalls(r, '')).filter((c) => c.nanos.total === 34_260_000n)).toHaveLength(2);
  });
});
