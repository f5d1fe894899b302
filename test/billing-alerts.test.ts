import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingPlugin, type BillingInstance } from '../packages/receiver/src/billing/index.js';
import { redactWebhookUrl } from '../packages/receiver/src/billing/webhook-url-redact.js';
import { main } from '../packages/receiver/src/cli/main.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { loadConfig, parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { pendingCalls } from '../packages/receiver/src/ingest/pending-calls.js';
import { storeCalls } from '../packages/receiver/src/ingest/store-calls.js';
import { createReceiver, type Receiver } from '../packages/receiver/src/server/receiver.js';
import { insertCalls, type CallRow } from '../packages/receiver/src/store/llm-calls.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { sampleRow } from './support/sample-call-row.js';

interface Hook { path: string; body: string; signature: string | undefined; alertId: string | undefined }

const NOW = new Date('2026-11-20T12:00:00Z');
const SECRET = 'alert-signing-key';

const yaml = (hooks: string) => `clients:
  - id: acme
    name: Acme Corp
    monthly_budget_usd: 100
    alert_thresholds_pct: [50, 80, 100]
    hard_cap: true
    webhook_url: ${hooks}/acme
  - id: globex
    webhook_url: ${hooks}/globex
    webhook_format: slack
    spike_factor: 2
  - id: initech
    monthly_budget_usd: 10
    alert_thresholds_pct: [50]
    webhook_url: ${hooks}/down
alerts:
  webhook_secret: ${SECRET}
  retry_attempts: 2
  retry_base_ms: 5
`;

let span = 0;
/** A stored call of `usd` dollars (whole cents) for `client`. */
const call = (client: string, usd: number, overrides: Partial<CallRow> = {}): CallRow =>
  sampleRow({ client_id: client, span_id: (++span).toString(16).padStart(16, '0'), timestamp: '2026-11-20 10:00:00', cost_nanos: String(BigInt(Math.round(usd * 100)) * 10_000_000n), ...overrides });

describe('budget alerts, spikes and unpriced models on the real ClickHouse', () => {
  let db: TestDatabase;
  let server: Server;
  let hooks: string;
  const received: Hook[] = [];
  let receiver: Receiver;

  async function boot(): Promise<Receiver> {
    const config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name } });
    config.file = parseFileConfig(yaml(hooks), 'test.yaml');
    const r = createReceiver(config, { plugins: [billingPlugin], now: () => NOW, maxBatchRows: 3 });
    await migrate(r.store, { database: db.name, cluster: null });
    for (const p of r.plugins) await p.start?.();
    return r;
  }
  const billing = (r: Receiver) => r.plugins[0] as BillingInstance;
  const ids = () => received.map((h) => h.alertId).sort();
  const budget = async (r: Receiver, client: string) => (await (await r.app.request(`/api/v1/budgets/${client}`)).json()) as Record<string, unknown>;

  beforeAll(async () => {
    db = await createTestDatabase('billing_alerts');
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body, signature: req.headers['x-tokenledger-signature'] as string | undefined, alertId: req.headers['x-tokenledger-alert-id'] as string | undefined });
        res.writeHead(req.url === '/down' ? 503 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hooks = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name } });
    const setup = createReceiver(config);
    await migrate(setup.store, { database: db.name, cluster: null });
    // globex history: $1 a day for the 7 days before today.
    await insertCalls(setup.store, [13, 14, 15, 16, 17, 18, 19].map((d) => call('globex', 1, { timestamp: `2026-11-${d} 08:00:00` })));
    await setup.close();
    receiver = await boot();
  });
  afterAll(async () => {
    await receiver.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.drop();
  });

  it('fires a threshold crossed under concurrent ingest exactly once, signed', async () => {
    // 60 one-dollar calls: 30 through the batch writer and 30 stored in parallel by hand (as a
    // second writer would), so inserts and onStored calls interleave around the $50 mark.
    const direct = (row: CallRow) => storeCalls(receiver.store, [row]).then(({ stored }) => billing(receiver).onStored!(stored));
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? receiver.writer.write(pendingCalls([call('acme', 1)])) : direct(call('acme', 1)))));
    await billing(receiver).idle();
    expect(ids()).toEqual(['budget:acme:2026-11:50:']);
    const hook = received[0]!;
    expect(hook.path).toBe('/acme');
    expect(hook.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(hook.body).digest('hex')}`);
    expect(JSON.parse(hook.body)).toMatchObject({
      type: 'tokenledger.alert', alert_id: 'budget:acme:2026-11:50:', kind: 'budget', client: 'acme', period: '2026-11',
      threshold_pct: 50, budget_usd: '100.000000000', fired_at: '2026-11-20T12:00:00.000Z',
    });
    // The spend when the crossing batch was stored: 50 to 52 USD, batches being up to 3 calls.
    expect((JSON.parse(hook.body) as { spent_usd: string }).spent_usd).toMatch(/^5[0-2]\.000000000$/);
    expect(await db.queryRows(`SELECT count() AS n FROM ${db.name}.alerts_fired FINAL WHERE kind = 'budget'`)).toEqual([{ n: '1' }]);
    expect(await budget(receiver, 'acme')).toMatchObject({ spent_usd: '60.000000000', remaining_usd: '40.000000000', used_pct: 60, status: 'warning', hard_cap: true });
  });

  it('after a restart fires only the newly crossed threshold, and the budget agrees with ClickHouse', async () => {
    await receiver.close();
    received.length = 0;
    receiver = await boot();
    expect(await budget(receiver, 'acme')).toMatchObject({ spent_usd: '60.000000000', status: 'warning' });
    await receiver.writer.write(pendingCalls(Array.from({ length: 25 }, () => call('acme', 1))));
    await billing(receiver).idle();
    expect(ids()).toEqual(['budget:acme:2026-11:80:']);
    const [stored] = await db.queryRows<{ cost: string }>(`SELECT toString(sum(cost_nanos)) AS cost FROM ${db.name}.llm_calls FINAL WHERE client_id = 'acme'`);
    expect(stored!.cost).toBe('85000000000');
    // 85 USD over 19.5 of 30 days: 85 x 30 / 19.5 = 130.769230769...
    expect(await budget(receiver, 'acme')).toMatchObject({ spent_usd: '85.000000000', projected_usd: '130.769230769', status: 'warning' });
    const fired = await db.queryRows(`SELECT alert_id, state FROM ${db.name}.alerts_fired FINAL WHERE client_id = 'acme' ORDER BY alert_id`);
    expect(fired).toEqual([{ alert_id: 'budget:acme:2026-11:50:', state: 'sent' }, { alert_id: 'budget:acme:2026-11:80:', state: 'sent' }]);
  });

  it('says exceeded at 100% and fires that threshold once', async () => {
    received.length = 0;
    await receiver.writer.write(pendingCalls(Array.from({ length: 15 }, () => call('acme', 1))));
    await receiver.writer.write(pendingCalls([call('acme', 1)]));
    await billing(receiver).idle();
    expect(ids()).toEqual(['budget:acme:2026-11:100:']);
    expect(await budget(receiver, 'acme')).toMatchObject({ spent_usd: '101.000000000', remaining_usd: '-1.000000000', status: 'exceeded' });
  });

  it("fires a spend spike once per day, in Slack's format", async () => {
    received.length = 0;
    await receiver.writer.write(pendingCalls([call('globex', 1)]));
    await billing(receiver).idle();
    expect(received).toEqual([]);
    await receiver.writer.write(pendingCalls([call('globex', 1.5)]));
    await receiver.writer.write(pendingCalls([call('globex', 3)]));
    await billing(receiver).idle();
    expect(ids()).toEqual(['spike:globex:2026-11:0:2026-11-20']);
    expect(JSON.parse(received[0]!.body)).toEqual({ text: 'TokenLedger: globex (globex) spent $2.50 on 2026-11-20, more than 2x its trailing 7-day daily average of $1.00.' });
  });

  it('fires an unpriced-model alert the first time a model shows up unpriced in a period', async () => {
    received.length = 0;
    const unpriced = { request_model: 'acme-ft', response_model: '', priced: 0 as const, cost_nanos: '0', price_key: '' };
    await receiver.writer.write(pendingCalls([call('acme', 0, unpriced), call('acme', 0, unpriced)]));
    await receiver.writer.write(pendingCalls([call('acme', 0, unpriced)]));
    await billing(receiver).idle();
    expect(ids()).toEqual(['unpriced:acme:2026-11:0:openai/acme-ft']);
  });

  it('records a webhook that stays down as failed, and sends it again at the next start', async () => {
    received.length = 0;
    await receiver.writer.write(pendingCalls([call('initech', 6)]));
    await billing(receiver).idle();
    expect(received.map((h) => h.path)).toEqual(['/down', '/down']);
    const state = () => db.queryRows(`SELECT state, attempts, last_error FROM ${db.name}.alerts_fired FINAL WHERE client_id = 'initech'`);
    expect(await state()).toEqual([{ state: 'failed', attempts: 2, last_error: 'HTTP 503' }]);
    await receiver.close();
    received.length = 0;
    receiver = await boot();
    await billing(receiver).idle();
    expect(ids()).toEqual(['budget:initech:2026-11:50:', 'budget:initech:2026-11:50:']);
    expect(await state()).toEqual([{ state: 'failed', attempts: 4, last_error: 'HTTP 503' }]);
    const tries = await db.queryRows(`SELECT attempt, status, error, url FROM ${db.name}.alert_deliveries WHERE client_id = 'initech' ORDER BY attempt`);
    // The URL is a credential: tables keep its host and a fingerprint only (billing/webhook-url-redact.ts).
    expect(tries).toEqual([1, 2, 3, 4].map((attempt) => ({ attempt, status: 503, error: 'HTTP 503', url: redactWebhookUrl(`${hooks}/down`) })));
  });

  it('sends a claim left pending by a crash at the next start, with its original body', async () => {
    await receiver.close();
    received.length = 0;
    const payload = '{"text":"TokenLedger: left pending"}';
    await db.command(`INSERT INTO ${db.name}.alerts_fired (client_id, period, kind, threshold, subject, alert_id, state, version, payload, created_at, updated_at)
VALUES ('acme', '2026-10', 'budget', 50, '', 'budget:acme:2026-10:50:', 'pending', 1, '${payload}', now(), now())`);
    receiver = await boot();
    await billing(receiver).idle();
    // (initech's failed alert is tried again too, as every start does until it is delivered.)
    expect(received.filter((h) => h.path === '/acme').map((h) => [h.alertId, h.body])).toEqual([['budget:acme:2026-10:50:', payload]]);
    const rows = await db.queryRows(`SELECT state FROM ${db.name}.alerts_fired FINAL WHERE alert_id = 'budget:acme:2026-10:50:'`);
    expect(rows).toEqual([{ state: 'sent' }]);
  });

  it('lists budgets from the terminal, from ClickHouse', async () => {
    let out = '';
    const io = { stdout: { write: (t: string) => void (out += t) }, stderr: { write: (t: string) => void (out += t) }, env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name }, cwd: '/nonexistent' };
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const path = `${mkdtempSync('/tmp/tl-budgets-')}/tokenledger.yaml`;
    writeFileSync(path, yaml(hooks));
    expect(await main(['budgets', '--config', path], io)).toBe(0);
    // The CLI reads the real clock, so only the period-independent columns are checked here.
    expect(out.split('\n')[0]).toMatch(/^client\s+period\s+budget_usd\s+spent_usd\s+remaining_usd\s+used\s+status\s+hard_cap\s+projected_usd\s+scope$/);
    expect(out).toMatch(/acme\s+\d{4}-\d{2}\s+100\.000000000/);
    out = '';
    expect(await main(['budgets', '--json', '--config', path], io)).toBe(0);
    expect((JSON.parse(out) as { budgets: Array<{ client: string }> }).budgets.map((b) => b.client)).toEqual(['acme', 'globex', 'initech']);
  });
});
