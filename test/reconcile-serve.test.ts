import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signature } from '../packages/receiver/src/billing/index.js';
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import { createReconcile, reconciliationReport, type ReconcileInstance } from '../packages/receiver/src/reconcile/index.js';
import { defaultPlugins } from '../packages/receiver/src/server/default-plugins.js';
import { createReceiver, type Receiver } from '../packages/receiver/src/server/receiver.js';
import { startServer } from '../packages/receiver/src/server/start-server.js';
import type { TestDatabase } from './support/clickhouse.js';
import { ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY, type FakeAdminApis } from './support/fake-admin-apis.js';
import { FAST_POLICY, reconcileWorld, sourcesYaml, type ReconcileWorld } from './support/reconcile-fixture.js';

const SECRET = 'whsec-reconcile-test';

let world: ReconcileWorld;
let db: TestDatabase;
let fake: FakeAdminApis;
let hook: Server;
const delivered: { body: string; signature: string | undefined; alertId: string | undefined }[] = [];

async function receiverWith(leaseSeconds: number): Promise<{ receiver: Receiver; reconcile: ReconcileInstance }> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-reconcile-serve-'));
  writeFileSync(
    join(dir, 'tokenledger.yaml'),
    `alerts: { webhook_secret: ${SECRET} }
reconcile:
  tolerance_pct: 2
  lookback_days: 4
  webhook_url: http://127.0.0.1:${(hook.address() as AddressInfo).port}/finance
${sourcesYaml(fake)}`,
  );
  const config = await loadConfig({
    env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name, OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY, TOKENLEDGER_API_TOKENS: 'ops-token,acme=acme-token' },
    configPath: join(dir, 'tokenledger.yaml'),
  });
  let reconcile!: ReconcileInstance;
  const receiver = createReceiver(config, {
    now: () => new Date('2026-10-05T10:00:00Z'),
    log: { write: () => undefined },
    plugins: [{ name: 'reconcile', create: (ctx) => (reconcile = createReconcile(ctx, { policy: FAST_POLICY, claimDelayMs: 200, leaseSeconds })) }],
  });
  return { receiver, reconcile };
}

beforeAll(async () => {
  world = await reconcileWorld('reconcile_serve');
  ({ db, fake } = world);
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      delivered.push({ body, signature: req.headers['x-tokenledger-signature'] as string | undefined, alertId: req.headers['x-tokenledger-alert-id'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => hook.close(() => resolve()));
  await world.close();
});

describe('the scheduled import in serve', () => {
  it('two receivers in one slot: one imports, and it alerts once per complete day and provider beyond tolerance, signed', async () => {
    const a = await receiverWith(3_600);
    const b = await receiverWith(3_600);
    try {
      const [ra, rb] = await Promise.all([a.reconcile.runOnce(), b.reconcile.runOnce()]);
      expect([ra, rb].filter((r) => r !== null)).toHaveLength(1);
      await Promise.all([a.reconcile.idle(), b.reconcile.idle()]);
      // Lookback 4 days before 2026-10-05, today included: 10-01..10-05 replaced.
      expect([ra, rb].find((r) => r)!.providers).toEqual({ openai: { rows: 11, days: 5 }, anthropic: { rows: 12, days: 5 } });
      // 10-01 matches at both; 10-04 has no provider data; 10-05 is today, not complete.
      const bodies = delivered.map((d) => JSON.parse(d.body) as Record<string, unknown>).sort((x, y) => String(x.alert_id).localeCompare(String(y.alert_id)));
      expect(bodies.map((x) => [x.alert_id, x.kind, (x.details as Record<string, unknown>).status, (x.details as Record<string, unknown>).drift_usd])).toEqual([
        ['drift::2026-10:0:anthropic/2026-10-02', 'drift', 'over_tracked', '-0.000145000'],
        ['drift::2026-10:0:openai/2026-10-02', 'drift', 'under_tracked', '0.010000000'],
        ['drift::2026-10:0:openai/2026-10-03', 'drift', 'provider_only', '0.002100000'],
      ]);
      expect(bodies[1]!.message).toBe('openai billed $0.02 on 2026-10-02, TokenLedger tracked $0.01: the provider billed more than was tracked, drift $0.01 (50.00%), beyond the 2% tolerance.');
      for (const d of delivered) expect(d.signature).toBe(signature(SECRET, d.body));
    } finally {
      await a.receiver.close();
      await b.receiver.close();
    }
  });

  it('a later run, by another receiver, re-imports but does not alert again', async () => {
    const c = await receiverWith(1);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // a fresh 1-second slot
      expect(await c.reconcile.runOnce()).not.toBeNull();
      await c.reconcile.idle();
      expect(delivered).toHaveLength(3);
      const fired = await db.queryRows<{ n: string }>(`SELECT count() AS n FROM ${db.name}.alerts_fired FINAL WHERE kind = 'drift' AND state = 'sent'`);
      expect(fired).toEqual([{ n: '3' }]);
    } finally {
      await c.receiver.close();
    }
  });
});

describe('tokenledger serve', () => {
  it('runs the scheduled import at start, with the default plugins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-reconcile-start-'));
    writeFileSync(join(dir, 'tokenledger.yaml'), `reconcile:\n  schedule_minutes: 720\n  lookback_days: 1\n  max_requests_per_second: 50\n${sourcesYaml(fake)}`);
    const config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name, PORT: '0', OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY }, configPath: join(dir, 'tokenledger.yaml') });
    let log = '';
    const before = fake.requests.length;
    const server = await startServer(config, { write: (t) => void (log += t) }, { plugins: defaultPlugins });
    try {
      const imported = async () => (await db.queryRows<{ n: string }>(`SELECT count() AS n FROM ${db.name}.provider_imports WHERE imported_at >= now() - 60`))[0]!.n;
      for (let i = 0; i < 100 && (await imported()) === '0'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      // Two days (yesterday and today) per provider, whatever the real date is.
      expect(await imported()).toBe('4');
      expect(fake.requests.length - before).toBe(5);
      expect(log).not.toMatch(/reconcile: .*failed/);
    } finally {
      await server.stop();
    }
  });
});

describe('GET /api/v1/reconciliation', () => {
  it('answers the report for an unscoped token, 403 for a client-scoped one, 400 naming a bad parameter', async () => {
    const { receiver } = await receiverWith(3_600);
    try {
      const get = (q: string, token: string) => receiver.app.request(`/api/v1/reconciliation?${q}`, { headers: { authorization: `Bearer ${token}` } });
      const ok = await get('from=2026-10-01&to=2026-10-05&group_by=day,provider', 'ops-token');
      expect(ok.status).toBe(200);
      const expected = await reconciliationReport(receiver.store, receiver.pricer, { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-05T00:00:00Z'), group_by: ['day', 'provider'] }, 2);
      expect(await ok.json()).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(expected.rows.map((r) => [r.day, r.provider, r.status])).toEqual([
        ['2026-10-01', 'anthropic', 'match'],
        ['2026-10-01', 'openai', 'match'],
        ['2026-10-02', 'anthropic', 'over_tracked'],
        ['2026-10-02', 'openai', 'under_tracked'],
        ['2026-10-03', 'openai', 'provider_only'],
        ['2026-10-04', 'openai', 'no_provider_data'],
      ]);
      const only = await get('from=2026-10-01&to=2026-10-05&provider=anthropic&group_by=provider', 'ops-token');
      expect(((await only.json()) as { rows: unknown[] }).rows).toEqual([expect.objectContaining({ provider: 'anthropic', provider_cost_usd: '0.007710000', status: 'match' })]);
      const scoped = await get('from=2026-10-01&to=2026-10-05', 'acme-token');
      expect(scoped.status).toBe(403);
      const bad = await get('from=2026-10-01&to=2026-10-05&group_by=feature', 'ops-token');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string; message: string } }).error.message).toMatch(/^query: group_by/);
      const instant = await get('from=2026-10-01T12:00:00Z&to=2026-10-05', 'ops-token');
      expect(instant.status).toBe(400);
      expect(((await instant.json()) as { error: { message: string } }).error.message).toBe('query: from: reconciliation compares whole UTC days: from and to are dates (YYYY-MM-DD)');
    } finally {
      await receiver.close();
    }
  });
});
