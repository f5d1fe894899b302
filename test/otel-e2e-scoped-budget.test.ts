// The SDK budget guard against the REAL receiver's GET /api/v1/budgets for budgets on scopes
// beyond one client: spend goes through the wrapped client, the OTLP exporter and the receiver
// into ClickHouse, and the next call in the scope is refused before the provider sees it. One
// Anthropic call of the fake costs 34,260,000 nano-USD (claude-sonnet-4-6, otel-e2e.test.ts).
import Anthropic from '@anthropic-ai/sdk';
import { context, propagation, trace } from '@opentelemetry/api';
import { BudgetExceededError, createBudgetGuard, instrumentAnthropic, register, withAttribution, type Attribution, type TokenLedgerShutdown } from '@tokenledger/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicReply } from '../packages/otel/src/test-support/anthropic-wire.js';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { billingPlugin } from '../packages/receiver/src/billing/index.js';
import { defaultPlugins } from '../packages/receiver/src/server/default-plugins.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

const YAML = `clients:
  - id: acme
budgets:
  - { scope: { feature: drafting }, monthly_budget_usd: 0.05, hard_cap: true }
  - { scope: { app: guarded-app, project: nightly }, monthly_budget_usd: 0.03, hard_cap: true }
`;

const plugins = defaultPlugins.some((p) => p.name === 'billing') ? defaultPlugins : [...defaultPlugins, billingPlugin];

let r: TestReceiver;
let provider: FakeServer;
let registered: TokenLedgerShutdown;

beforeAll(async () => {
  [r, provider] = await Promise.all([
    startTestReceiver('otel_e2e_scoped', { yaml: YAML, receiver: { plugins }, env: { TOKENLEDGER_API_TOKENS: 'admin-token,acme=acme-token' } }),
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

function guardedClient(token: string) {
  const guard = createBudgetGuard({ url: r.url, token, cacheMs: 0, failOpen: false, serviceName: 'guarded-app' });
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: provider.url, maxRetries: 0, openTelemetry: false });
  return instrumentAnthropic(client, { budgetGuard: guard });
}

const ask = (client: Anthropic, who: Attribution) =>
  withAttribution(who, () => client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'x' }] }));

describe('budget guard on scoped budgets against the real receiver', () => {
  it("refuses the next call in a feature once its spend passes the cap, seen through a client's token without figures", async () => {
    const client = guardedClient('acme-token');
    await ask(client, { client: 'acme', feature: 'drafting' });
    await registered.forceFlush();
    // Unattributed calls count in the feature's budget too.
    await ask(client, { feature: 'drafting' });
    await registered.forceFlush();
    expect(provider.requests).toHaveLength(2);
    const error = await ask(client, { client: 'acme', feature: 'drafting' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ code: 'budget_exceeded', figures: { clientId: 'acme', scope: 'feature=drafting', status: 'exceeded', budgetUsd: '' } });
    expect(provider.requests).toHaveLength(2);
    // The operator's view has the figures: 2 x 0.03426 of 0.05.
    const res = await fetch(`${r.url}/api/v1/budgets`, { headers: { authorization: 'Bearer admin-token' } });
    const budgets = ((await res.json()) as { budgets: Record<string, unknown>[] }).budgets;
    expect(budgets.find((b) => JSON.stringify(b.scope) === '{"feature":"drafting"}')).toMatchObject({ spent_usd: '0.068520000', remaining_usd: '-0.018520000', status: 'exceeded' });
    await ask(client, { client: 'acme', feature: 'other' });
    expect(provider.requests).toHaveLength(3);
  });

  it("refuses a project of this app (service.name) once spent, and the same project's calls elsewhere are not in it", async () => {
    const client = guardedClient('admin-token');
    await ask(client, { client: 'acme', project: 'nightly', feature: 'x' });
    await registered.forceFlush();
    const before = provider.requests.length;
    await expect(ask(client, { project: 'nightly' })).rejects.toMatchObject({
      figures: { scope: 'project=nightly, app=guarded-app', spentUsd: '0.034260000', budgetUsd: '0.030000000', remainingUsd: '-0.004260000' },
    });
    expect(provider.requests.length).toBe(before);
    // A guard set up for another app (serviceName) is not held by this app's scope.
    const elsewhere = instrumentAnthropic(new Anthropic({ apiKey: 'k', baseURL: provider.url, maxRetries: 0, openTelemetry: false }), {
      budgetGuard: createBudgetGuard({ url: r.url, token: 'admin-token', cacheMs: 0, failOpen: false, serviceName: 'other-app' }),
    });
    await ask(elsewhere, { project: 'nightly' });
    expect(provider.requests.length).toBe(before + 1);
  });
});
