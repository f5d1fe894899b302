import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { storeCalls } from '../packages/receiver/src/ingest/store-calls.js';
import { dateTimeText } from '../packages/receiver/src/store/llm-calls.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { sampleRow } from './support/sample-call-row.js';

const doc = readFileSync(new URL('../docs/schema.md', import.meta.url), 'utf8');
const queries = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('the example queries of docs/schema.md', () => {
  let db: TestDatabase;
  let store: StoreClient;
  beforeAll(async () => {
    db = await createTestDatabase('schema_doc');
    store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    await migrate(store, { database: db.name, cluster: null });
    const now = dateTimeText(new Date());
    await storeCalls(store, [
      sampleRow({ timestamp: now, span_id: '0000000000000001' }),
      sampleRow({ timestamp: now, span_id: '0000000000000002', client_id: '', feature: 'chat' }),
    ]);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('has examples', () => expect(queries.length).toBeGreaterThanOrEqual(4));

  it('the cost-per-client example returns exact dollars', async () => {
    // JSON turns Decimal into a float; TabSeparated shows the exact decimal ClickHouse computed
    // (toString would drop its trailing zeros on current ClickHouse, the text format does not
    // under the test client's settings).
    const query = `SELECT client_id, cost_usd FROM (${queries[0]!.replaceAll('tokenledger.', `${db.name}.`)})`;
    const text = await (await db.client.query({ query, format: 'TabSeparated' })).text();
    expect(text.trimEnd().split('\n').map((line) => line.split('\t')).sort()).toEqual([
      ['', '0.003250000'],
      ['acme', '0.003250000'],
    ]);
  });

  // A query that opens with `-- ClickHouse 23.3+` runs from that version on, and is refused before it.
  it.each(queries.map((q, i) => [i, q] as const))('query %i runs on this ClickHouse (or is refused before its version)', async (_i, query) => {
    const since = /^-- ClickHouse (\d+)\.(\d+)\+/.exec(query);
    const [{ v = '' } = {}] = await db.queryRows<{ v: string }>('SELECT version() AS v');
    const [major = 0, minor = 0] = v.split('.').map(Number);
    const supported = !since || major > Number(since[1]) || (major === Number(since[1]) && minor >= Number(since[2]));
    const running = db.queryRows(query.replaceAll('tokenledger.', `${db.name}.`));
    await (supported ? expect(running).resolves.toBeInstanceOf(Array) : expect(running).rejects.toThrow());
  });
});

describe('the rollup rebuild of docs/receiver.md', () => {
  it('rebuilds a month of llm_usage_daily equal to the calls', async () => {
    const db = await createTestDatabase('rebuild_doc');
    const store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    try {
      await migrate(store, { database: db.name, cluster: null });
      await storeCalls(store, [sampleRow({ span_id: '00000000000000a1' }), sampleRow({ span_id: '00000000000000a2', client_id: 'globex', priced: 0, cost_nanos: '0' })]);
      // Damage the rollup the way an interrupted reprice would.
      await db.command(`INSERT INTO ${db.name}.llm_usage_daily (day, client_id, cost_nanos) VALUES ('2026-11-02', 'acme', 999)`);
      const text = readFileSync(new URL('../docs/receiver.md', import.meta.url), 'utf8');
      const block = /```sql\n([\s\S]*?)```/.exec(text)![1]!;
      for (const statement of block.split(';').map((s) => s.trim()).filter(Boolean)) {
        await db.command(statement.replaceAll('tokenledger.', `${db.name}.`));
      }
      const rows = await db.queryRows(`SELECT client_id, sum(calls) AS calls, sum(cost_nanos) AS cost, sum(unpriced_calls) AS unpriced FROM ${db.name}.llm_usage_daily GROUP BY client_id ORDER BY client_id`);
      expect(rows).toEqual([
        { client_id: 'acme', calls: '1', cost: '3250000', unpriced: '0' },
        { client_id: 'globex', calls: '1', cost: '0', unpriced: '1' },
      ]);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
