import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { importFromApis } from '../packages/receiver/src/reconcile/index.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY, startFakeAdminApis, type FakeAdminApis } from './support/fake-admin-apis.js';
import { reconcileProviderData, seedTrackedCalls } from './support/reconcile-fixture.js';

const doc = readFileSync(new URL('../docs/schema.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Reconciliation tables'), doc.indexOf('## Why the schema looks like this'));
const [perDay, perClient, imports] = [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);

let db: TestDatabase;
let store: StoreClient;
let fake: FakeAdminApis;
const run = (query: string) => db.queryRows<Record<string, string>>(query.replaceAll('tokenledger.', `${db.name}.`));
// JSON turns Decimal into a float; toString shows the exact decimal ClickHouse computed.
const exact = (query: string, cols: string[]) => run(`SELECT ${cols.map((c) => (c.endsWith('_usd') ? `toString(${c}) AS ${c}` : c)).join(', ')} FROM (${query})`);

beforeAll(async () => {
  db = await createTestDatabase('reconcile_doc');
  store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
  await migrate(store, { database: db.name, cluster: null });
  await seedTrackedCalls(store);
  fake = await startFakeAdminApis(reconcileProviderData());
  const config = parseFileConfig(
    `reconcile:
  sources:
    - { provider: openai, base_url: "${fake.openaiBaseUrl}", projects: { proj_acme: acme }, api_keys: { key_globex: globex } }
    - { provider: anthropic, base_url: "${fake.anthropicBaseUrl}", workspaces: { wrkspc_acme: acme } }
`,
    'test.yaml',
  ).reconcile!;
  const range = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-08T00:00:00Z') };
  const policy = { attempts: 2, baseMs: 1, maxDelayMs: 10, timeoutMs: 5_000, requestsPerSecond: 100 };
  const ctx = (now: string) => ({ store, pricer: buildPricer({ file: parseFileConfig('', 'x') } as never), now: new Date(now) });
  await importFromApis(ctx('2026-10-08T01:00:00Z'), { config, adminKeys: { OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY }, range, policy });
  await importFromApis(ctx('2026-10-08T02:00:00Z'), { config, adminKeys: { OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY }, range, policy, provider: 'openai' });
});
afterAll(async () => {
  await fake.close();
  await store.close();
  await db.drop();
});

describe('the reconciliation queries of docs/schema.md', () => {
  it('sets the bill per day against tracked spend', async () => {
    expect(await exact(perDay!, ['day', 'provider', 'provider_usd', 'tracked_usd'])).toEqual([
      { day: '2026-10-01', provider: 'anthropic', provider_usd: '0.003855000', tracked_usd: '0.003855000' },
      { day: '2026-10-01', provider: 'openai', provider_usd: '0.007600000', tracked_usd: '0.007500000' },
      { day: '2026-10-02', provider: 'anthropic', provider_usd: '0.003855000', tracked_usd: '0.004000000' },
      { day: '2026-10-02', provider: 'openai', provider_usd: '0.020000000', tracked_usd: '0.010000000' },
      { day: '2026-10-03', provider: 'openai', provider_usd: '0.002100000', tracked_usd: '0.000000000' },
      { day: '2026-10-04', provider: 'openai', provider_usd: '0.000000000', tracked_usd: '0.003250000' },
    ]);
  });

  it('gives per-client spend from the provider figures, a re-import counted once', async () => {
    expect(await exact(perClient!, ['client_id', 'provider', 'provider_usd', 'input_tokens', 'output_tokens'])).toEqual([
      { client_id: '', provider: 'openai', provider_usd: '0.002100000', input_tokens: '10000', output_tokens: '1000' },
      { client_id: 'acme', provider: 'anthropic', provider_usd: '0.007710000', input_tokens: '1000', output_tokens: '400' },
      { client_id: 'acme', provider: 'openai', provider_usd: '0.007600000', input_tokens: '6000', output_tokens: '500' },
      { client_id: 'globex', provider: 'openai', provider_usd: '0.020000000', input_tokens: '2000', output_tokens: '1000' },
    ]);
  });

  it('names the current import of each day: the second one for openai', async () => {
    const rows = await run(imports!);
    expect(rows).toHaveLength(14);
    const ids = [...new Set(rows.map((r) => r.current_import))];
    expect(ids).toHaveLength(2);
    expect(rows.filter((r) => r.provider === 'openai').every((r) => r.current_import === ids.sort()[1])).toBe(true);
    expect(rows.find((r) => r.provider === 'openai' && r.day === '2026-10-01')!.rows).toBe('5');
  });
});
