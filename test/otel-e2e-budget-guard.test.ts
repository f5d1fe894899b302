// The SDK budget guard against the REAL receiver's GET /api/v1/budgets/:client: spend goes through
// the wrapped client, the OTLP exporter and the receiver into ClickHouse, and the next call is
// refused before the provider sees it. One Anthropic call of the fake costs 34,260,000 nano-USD
// (worked out in otel-e2e.test.ts from the catalog: claude-sonnet-4-6).
import Anthropic from '@anthropic-ai/sdk';
import { context, propagation, trace } from '@opentelemetry/api';
import { BudgetExceededError, createBudgetGuard, instrumentAnthropic, register, withAttribution, type TokenLedgerShutdown } from '@tokenledger/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicReply } from '../packages/otel/src/test-support/anthropic-wire.js';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { billingPlugin } from '../packages/receiver/src/billing/index.js';
import { defaultPlugins } from '../packages/receiver/src/server/default-plugins.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { storedCalls } from './support/stored-calls.js';

const YAML = `clients:
  - id: capped
    name: Capped Co
    monthly_budget_usd: 0.05
    hard_cap: true
  - id: unbudgeted
    name: No budget set
`;

// What `serve` runs, with billing added unless it is already among the defaults.
const plugins = defaultPlugins.some((p) => p.name === 'billing') ? defaultPlugins : [...defaultPlugins, billingPlugin];

let r: TestReceiver;
let provider: FakeServer;
let registered: TokenLedgerShutdown;

beforeAll(async () => {
  [r, provider] = await Promise.all([
    startTestReceiver('otel_e2e_budget', { yaml: YAML, receiver: { plugins } }),
    startFakeServer(anthropicReply),
  ]);
  registered = register({ endpoint: r.url, serviceName: 'guarded-app' });
});
afterAll(async () => {
  await Promise.all([registered(), provider.close()]);
  trace.disable();
  context.disable();
  propagation.disable();
  await r.stop();
});

/** A wrapped client whose guard asks the receiver before every call, and refuses when it cannot. */
function guardedClient() {
  const guard = createBudgetGuard({ url: r.url, cacheMs: 0, failOpen: false });
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: provider.url, maxRetries: 0, openTelemetry: false });
  return instrumentAnthropic(client, { budgetGuard: guard });
}

const ask = (client: Anthropic, id: string) =>
  withAttribution({ client: id }, () => client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'x' }] }));

async function budgetOf(id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${r.url}/api/v1/budgets/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('budget guard against the real receiver', () => {
  it('refuses the next call once the spend stored by the receiver passes the hard cap, before the provider is called', async () => {
    const client = guardedClient();
    for (let call = 0; call < 2; call++) {
      await ask(client, 'capped');
      await registered.forceFlush();
    }
    expect(provider.requests).toHaveLength(2);
    expect(await budgetOf('capped')).toMatchObject({ budget_usd: '0.050000000', spent_usd: '0.068520000', remaining_usd: '-0.018520000', status: 'exceeded', hard_cap: true });

    const error = await ask(client, 'capped').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      clientId: 'capped',
      figures: { budgetUsd: '0.050000000', spentUsd: '0.068520000', remainingUsd: '-0.018520000', status: 'exceeded' },
    });
    expect(provider.requests).toHaveLength(2);
    await registered.forceFlush();
    expect((await storedCalls(r, 'capped')).map((c) => c.nanos.total)).toEqual([34_260_000n, 34_260_000n]);
  });

  it('lets a fail-closed guard through for clients the receiver knows without a budget, and for unknown clients', async () => {
    const client = guardedClient();
    const before = provider.requests.length;
    await ask(client, 'unbudgeted');
    await ask(client, 'walk-in');
    expect(provider.requests.length - before).toBe(2);
  });
});
