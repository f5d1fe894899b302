import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingPlugin } from '../packages/receiver/src/billing/index.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { loadConfig, parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { createReceiver, type Receiver } from '../packages/receiver/src/server/receiver.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';

const YAML = `clients:
  - id: acme
    monthly_budget_usd: 500
  - id: globex
`;

describe('client-scoped access to invoices and budgets', () => {
  let db: TestDatabase;
  let receiver: Receiver;
  const get = (path: string, token?: string) =>
    receiver.app.request(`/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    db = await createTestDatabase('billing_access');
    const config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name, TOKENLEDGER_API_TOKENS: 'admin-token,acme=acme-token' } });
    config.file = parseFileConfig(YAML, 'test.yaml');
    receiver = createReceiver(config, { plugins: [billingPlugin], now: () => new Date('2026-11-20T12:00:00Z') });
    await migrate(receiver.store, { database: db.name, cluster: null });
    for (const p of receiver.plugins) await p.start?.();
  });
  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  it.each(['/invoices/acme?period=2026-11', '/budgets/acme', '/budgets'])('answers 401 without a token: %s', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'a valid bearer token is required' } });
    expect((await get(path, 'wrong-token')).status).toBe(401);
  });

  it("lets a scoped token read its own client's invoice and budget", async () => {
    expect((await get('/invoices/acme?period=2026-11', 'acme-token')).status).toBe(200);
    expect((await get('/invoices/acme?period=2026-11&format=csv', 'acme-token')).status).toBe(200);
    const budget = await get('/budgets/acme', 'acme-token');
    expect(budget.status).toBe(200);
    expect(await budget.json()).toMatchObject({ client: 'acme', budget_usd: '500.000000000', spent_usd: '0.000000000', status: 'ok' });
  });

  it.each(['/invoices/globex?period=2026-11', '/invoices/globex?period=2026-11&format=pdf', '/budgets/globex'])('answers 403 to a scoped token asking for another client: %s', async (path) => {
    const res = await get(path, 'acme-token');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: 'this token may not read that client' } });
  });

  it('lists only the scoped client in GET /budgets, every configured client for an admin token', async () => {
    const scoped = (await (await get('/budgets', 'acme-token')).json()) as { budgets: Array<{ client: string }> };
    expect(scoped.budgets.map((b) => b.client)).toEqual(['acme']);
    const all = (await (await get('/budgets', 'admin-token')).json()) as { budgets: Array<{ client: string; budget_usd: string | null; status: string }> };
    expect(all.budgets.map((b) => [b.client, b.budget_usd, b.status])).toEqual([['acme', '500.000000000', 'ok'], ['globex', null, 'ok']]);
    expect((await get('/invoices/globex?period=2026-11', 'admin-token')).status).toBe(200);
  });
});
