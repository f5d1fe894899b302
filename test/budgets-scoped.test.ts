import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingPlugin, scopedBudgets, type BillingInstance } from '../packages/receiver/src/billing/index.js';
import { ScopeSpend } from '../packages/receiver/src/billing/scope-spend.js';
import { main } from '../packages/receiver/src/cli/main.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { loadConfig, parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { pendingCalls } from '../packages/receiver/src/ingest/pending-calls.js';
import { createReceiver, type Receiver } from '../packages/receiver/src/server/receiver.js';
import { insertCalls, type CallRow } from '../packages/receiver/src/store/llm-calls.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { sampleRow } from './support/sample-call-row.js';

const NOW = new Date('2026-11-20T12:00:00Z');

const yaml = (hooks: string) => `clients:
  - id: acme
    monthly_budget_usd: 1000
  - id: globex
budgets:
  - { scope: account, monthly_budget_usd: 10, alert_thresholds_pct: [50, 100], webhook_url: ${hooks}/ops }
  - { scope: { project: chatbot, client: acme }, monthly_budget_usd: 2, hard_cap: true, webhook_url: ${hooks}/acme-chatbot }
  - { scope: { feature: summarize }, monthly_budget_usd: 8, alert_thresholds_pct: [50], webhook_url: ${hooks}/summarize }
  - { scope: { app: batch-worker }, monthly_budget_usd: 4, hard_cap: true, period_start_day: 15 }
  - { scope: { project: chatbot }, name: chatbot everywhere, monthly_budget_usd: 100, hard_cap: true }
`;

let span = 0;
/** A stored call of `cents` US cents with its attribution. */
const call = (cents: number, at: string, who: Partial<CallRow>): CallRow =>
  sampleRow({ span_id: (++span).toString(16).padStart(16, '0'), timestamp: at, cost_nanos: String(BigInt(cents) * 10_000_000n), ...who });

const acmeChatbot = { client_id: 'acme', project: 'chatbot', feature: 'faq', app: 'api' };
const acmeSummary = { client_id: 'acme', project: 'support-bot', feature: 'summarize', app: 'api' };
const globexBatch = { client_id: 'globex', project: 'chatbot', feature: 'summarize', app: 'batch-worker' };
const unattributedBatch = { client_id: '', project: '', feature: 'summarize', app: 'batch-worker' };
const globexOther = { client_id: 'globex', project: 'other', feature: 'other', app: 'batch-worker' };

/**
 * By hand, for the period of 2026-11-20 12:00 (calendar month; from the 15th for batch-worker):
 *   account   150 + 250 + 75 + 40 + 100 = 6.15 USD, 1 unpriced + 1 unmetered (unattributed)
 *   acme/chatbot 3 x 0.50 = 1.50 (the October call and the marked repeat are not in it)
 *   summarize 250 + 75 + 40 = 3.65
 *   batch-worker since Nov 15: 75 + 40 = 1.15 (the call of Nov 14 is the period before)
 *   chatbot (any client) 1.50 + 0.75 = 2.25
 */
const history: CallRow[] = [
  ...[1, 2, 3].map(() => call(50, '2026-11-10 09:00:00', acmeChatbot)),
  ...[1, 2].map(() => call(125, '2026-11-11 09:00:00', acmeSummary)),
  call(75, '2026-11-16 09:00:00', globexBatch),
  call(40, '2026-11-18 09:00:00', unattributedBatch),
  call(100, '2026-11-14 09:00:00', globexOther),
  call(0, '2026-11-19 09:00:00', { ...unattributedBatch, feature: '', app: 'api', priced: 0, request_model: 'house-model', response_model: '', price_key: '' }),
  call(0, '2026-11-19 09:00:00', { ...unattributedBatch, feature: '', app: 'api', metered: 0, input_tokens: 0, output_tokens: 0 }),
  call(500, '2026-10-31 23:59:59', acmeChatbot),
  { ...call(900, '2026-11-12 09:00:00', acmeChatbot), duplicate_of: 'f'.repeat(32) },
];

describe('scoped budgets on the real ClickHouse', () => {
  let db: TestDatabase;
  let server: Server;
  let hooks: string;
  const received: { path: string; alertId: string; body: Record<string, unknown> }[] = [];
  const running: Receiver[] = [];

  async function boot(): Promise<Receiver> {
    const config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name, TOKENLEDGER_API_TOKENS: 'admin-token,acme=acme-token' } });
    config.file = parseFileConfig(yaml(hooks), 'test.yaml');
    const r = createReceiver(config, { plugins: [billingPlugin], now: () => NOW, maxBatchRows: 3 });
    running.push(r);
    for (const p of r.plugins) await p.start?.();
    return r;
  }
  async function stop(r: Receiver): Promise<void> {
    running.splice(running.indexOf(r), 1);
    await r.close();
  }
  const idle = (r: Receiver) => (r.plugins[0] as BillingInstance).idle();
  const list = async (r: Receiver, token = 'admin-token') => {
    const res = await r.app.request('/api/v1/budgets', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { budgets: Record<string, unknown>[] }).budgets;
  };
  const byScope = async (r: Receiver, scope: unknown) => (await list(r)).find((b) => JSON.stringify(b.scope) === JSON.stringify(scope));
  const hooksSeen = () => received.map((h) => `${h.path} ${h.alertId}`).sort();

  beforeAll(async () => {
    db = await createTestDatabase('budgets_scoped');
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ path: req.url ?? '', alertId: String(req.headers['x-tokenledger-alert-id']), body: JSON.parse(body) as Record<string, unknown> });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hooks = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name } });
    const setup = createReceiver(config);
    await migrate(setup.store, { database: db.name, cluster: null });
    await insertCalls(setup.store, history);
    await setup.close();
  });
  afterAll(async () => {
    for (const r of [...running]) await r.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.drop();
  });

  it('lists every budget with exact spend per scope, unattributed spend in the account, projections and unaccounted calls', async () => {
    const r = await boot();
    const budgets = await list(r);
    expect(budgets.map((b) => b.scope)).toEqual([
      { client: 'acme' },
      { client: 'globex' },
      'account',
      { client: 'acme', project: 'chatbot' },
      { feature: 'summarize' },
      { app: 'batch-worker' },
      { project: 'chatbot' },
    ]);
    expect(budgets[2]).toEqual({
      client: null, scope: 'account', name: 'scope account', period: '2026-11', period_start: '2026-11-01T00:00:00.000Z', period_end: '2026-12-01T00:00:00.000Z',
      budget_usd: '10.000000000', spent_usd: '6.150000000', remaining_usd: '3.850000000', used_pct: 61.5, status: 'warning', hard_cap: false,
      // 6.15 x 30 / 19.5 = 9.4615384615...
      projected_usd: '9.461538462', unpriced_calls: 1, unmetered_calls: 1,
    });
    expect(budgets[3]).toMatchObject({ client: 'acme', spent_usd: '1.500000000', remaining_usd: '0.500000000', used_pct: 75, status: 'warning', hard_cap: true, unpriced_calls: 0 });
    expect(budgets[4]).toMatchObject({ client: null, spent_usd: '3.650000000', used_pct: 45.63, status: 'ok' });
    // From the 15th: 1.15 over 5.5 of 30 days projects 6.2727272727...
    expect(budgets[5]).toMatchObject({ period: '2026-11', period_start: '2026-11-15T00:00:00.000Z', period_end: '2026-12-15T00:00:00.000Z', spent_usd: '1.150000000', projected_usd: '6.272727273', status: 'ok' });
    expect(budgets[6]).toMatchObject({ name: 'chatbot everywhere', spent_usd: '2.250000000' });
    expect(budgets[0]).toMatchObject({ client: 'acme', spent_usd: '4.000000000' });
    await idle(r);
    // Crossed before this receiver started: fired at start, once each.
    expect(hooksSeen()).toEqual([
      '/acme-chatbot budget:acme:2026-11:50:scope:{"client":"acme","project":"chatbot"}',
      '/ops budget::2026-11:50:scope:account',
    ]);
    expect(received.find((h) => h.path === '/ops')!.body).toMatchObject({
      kind: 'budget', client: '', period: '2026-11', threshold_pct: 50, spent_usd: '6.150000000', budget_usd: '10.000000000',
      message: 'Budget scope account (account) has reached 50% of its 2026-11 budget: $6.15 of $10.00 spent (61.50%).',
      details: { scope: 'account', hard_cap: 0, used_pct: '61.50' },
    });
  });

  it('adds stored calls to every scope they fall in, fires each new threshold once, and says exceeded', async () => {
    const r = running[0]!;
    received.length = 0;
    await r.writer.write(pendingCalls([call(30, '2026-11-20 10:00:00', acmeChatbot), call(30, '2026-11-20 10:00:00', acmeChatbot)]));
    await r.writer.write(pendingCalls([call(1, '2026-11-20 10:00:00', { ...acmeChatbot, app: 'batch-worker' })]));
    await idle(r);
    expect(hooksSeen()).toEqual([
      '/acme-chatbot budget:acme:2026-11:100:scope:{"client":"acme","project":"chatbot"}',
      '/acme-chatbot budget:acme:2026-11:80:scope:{"client":"acme","project":"chatbot"}',
    ]);
    expect(received.find((h) => h.alertId.includes(':100:'))!.body.message).toBe(
      'Budget scope client=acme, project=chatbot (client=acme, project=chatbot) has exceeded 100% of its 2026-11 budget: $2.10 of $2.00 spent (105.00%); hard cap on, new calls in this scope are refused.',
    );
    expect(await byScope(r, { client: 'acme', project: 'chatbot' })).toMatchObject({ spent_usd: '2.110000000', remaining_usd: '-0.110000000', status: 'exceeded' });
    expect(await byScope(r, 'account')).toMatchObject({ spent_usd: '6.760000000' });
    expect(await byScope(r, { app: 'batch-worker' })).toMatchObject({ spent_usd: '1.160000000' });
    expect(await byScope(r, { feature: 'summarize' })).toMatchObject({ spent_usd: '3.650000000' });
  });

  it('after a restart agrees with ClickHouse and fires nothing again', async () => {
    await stop(running[0]!);
    received.length = 0;
    const r = await boot();
    await idle(r);
    expect(received).toEqual([]);
    expect(await byScope(r, { client: 'acme', project: 'chatbot' })).toMatchObject({ spent_usd: '2.110000000', status: 'exceeded' });
    const fired = await db.queryRows<{ alert_id: string }>(`SELECT alert_id FROM ${db.name}.alerts_fired FINAL WHERE subject LIKE 'scope:%' ORDER BY alert_id`);
    expect(fired.map((f) => f.alert_id)).toEqual([
      'budget::2026-11:50:scope:account',
      'budget:acme:2026-11:100:scope:{"client":"acme","project":"chatbot"}',
      'budget:acme:2026-11:50:scope:{"client":"acme","project":"chatbot"}',
      'budget:acme:2026-11:80:scope:{"client":"acme","project":"chatbot"}',
    ]);
    await stop(r);
  });

  it('two receivers on the same database send a threshold both see exactly once', async () => {
    received.length = 0;
    // Stored by a writer neither receiver watches: summarize reaches 4.05 of 8 (50%), seen by both at start.
    const config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name } });
    const writer = createReceiver(config);
    await insertCalls(writer.store, [call(40, '2026-11-20 11:00:00', { ...acmeSummary, app: 'cron' })]);
    await writer.close();
    const [a, b] = await Promise.all([boot(), boot()]);
    await Promise.all([idle(a!), idle(b!)]);
    expect(hooksSeen()).toEqual(['/summarize budget::2026-11:50:scope:{"feature":"summarize"}']);
    expect(await db.queryRows(`SELECT count() AS n FROM ${db.name}.alerts_fired FINAL WHERE subject = 'scope:{"feature":"summarize"}'`)).toEqual([{ n: '1' }]);
    for (const r of [a!, b!]) expect(await byScope(r, { feature: 'summarize' })).toMatchObject({ spent_usd: '4.050000000', used_pct: 50.63 });
  });

  it("shows a client's token its own budgets in full, and shared hard caps covering its calls without figures", async () => {
    const r = running[0]!;
    const budgets = await list(r, 'acme-token');
    expect(budgets.map((b) => b.scope)).toEqual([{ client: 'acme' }, { client: 'acme', project: 'chatbot' }, { app: 'batch-worker' }, { project: 'chatbot' }]);
    expect(budgets[1]).toMatchObject({ spent_usd: '2.110000000', status: 'exceeded' });
    expect(budgets[2]).toEqual({
      client: null, scope: { app: 'batch-worker' }, period: '2026-11', period_start: '2026-11-15T00:00:00.000Z', period_end: '2026-12-15T00:00:00.000Z',
      hard_cap: true, status: 'ok', redacted: true,
    });
    expect(JSON.stringify(budgets)).not.toContain('globex');
    expect(JSON.stringify(budgets[3])).not.toMatch(/usd/);
  });

  it('a new period is loaded when first asked for, once for concurrent asks, and observes only its own calls', async () => {
    const clock = { now: NOW };
    const config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name } });
    config.file = parseFileConfig(yaml(hooks), 'test.yaml');
    const store = createReceiver(config);
    const account = scopedBudgets(config)[0]!;
    const spend = new ScopeSpend(store.store, [account], () => clock.now);
    await spend.reload();
    expect(spend.current(account)).toMatchObject({ label: '2026-11' });
    await insertCalls(store.store, [call(7, '2026-12-01 00:00:00', acmeChatbot)]);
    clock.now = new Date('2026-12-02T00:00:00Z');
    expect(spend.current(account)).toBeUndefined();
    const [a, b] = await Promise.all([spend.of(account), spend.of(account)]);
    expect(a).toBe(b);
    expect(a).toEqual({ label: '2026-12', spentNanos: 70_000_000n, unpriced: 0, unmetered: 0 });
    spend.observe([call(3, '2026-11-30 23:59:59', acmeChatbot), call(2, '2026-12-02 00:00:00', { ...unattributedBatch, metered: 0 })]);
    expect(spend.current(account)).toEqual({ label: '2026-12', spentNanos: 90_000_000n, unpriced: 0, unmetered: 1 });
    await store.close();
  });

  it('lists scoped budgets from the terminal', async () => {
    let out = '';
    const io = { stdout: { write: (t: string) => void (out += t) }, stderr: { write: (t: string) => void (out += t) }, env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name }, cwd: '/nonexistent' };
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const path = `${mkdtempSync('/tmp/tl-budgets-')}/tokenledger.yaml`;
    writeFileSync(path, yaml(hooks));
    expect(await main(['budgets', '--json', '--config', path], io)).toBe(0);
    // The CLI reads the real clock: the scopes and budgets are what does not depend on the day.
    const budgets = (JSON.parse(out) as { budgets: { scope: unknown; budget_usd: string }[] }).budgets;
    expect(budgets.map((b) => [b.scope, b.budget_usd])).toEqual([
      [{ client: 'acme' }, '1000.000000000'],
      [{ client: 'globex' }, null],
      ['account', '10.000000000'],
      [{ client: 'acme', project: 'chatbot' }, '2.000000000'],
      [{ feature: 'summarize' }, '8.000000000'],
      [{ app: 'batch-worker' }, '4.000000000'],
      [{ project: 'chatbot' }, '100.000000000'],
    ]);
    out = '';
    expect(await main(['budgets', '--config', path], io)).toBe(0);
    expect(out).toMatch(/^-\s+\d{4}-\d{2}\s+10\.000000000 .* account\s*$/m);
    expect(out).toMatch(/^acme\s+\d{4}-\d{2}\s+2\.000000000 .* client=acme, project=chatbot\s*$/m);
  });
});

describe('the example of docs/budgets.md', () => {
  it('is a valid config with the scopes it describes', () => {
    const doc = readFileSync(new URL('../docs/budgets.md', import.meta.url), 'utf8');
    const cfg = parseFileConfig(/```yaml\n([\s\S]*?)```/.exec(doc)![1]!, 'docs/budgets.md');
    expect(cfg.budgets.map((b) => [b.scope, b.monthly_budget_usd, b.hard_cap])).toEqual([
      ['account', 5000, false],
      [{ client: 'acme', project: 'chatbot' }, 100, true],
      [{ feature: 'summarize' }, 800, false],
      [{ app: 'batch-worker' }, 50, true],
    ]);
  });
});
