import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/clickhouse.js';
import { migrate } from './migrate.js';
import { enforceRetention, expiredPartitions } from './retention.js';
import { createStoreClient, type StoreClient } from './store-client.js';

describe('expiredPartitions', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  it('drops a month only when its last day is past the cutoff', () => {
    // 400 days before 2026-11-25 is 2025-10-21: October 2025 still holds retained days.
    expect(expiredPartitions(['202509', '202510', '202511', '202611'], now, 400)).toEqual(['202509']);
    expect(expiredPartitions(['202610', '202611'], now, 1)).toEqual(['202610']);
  });
});

describe('retention on a real ClickHouse', () => {
  let db: TestDatabase;
  let store: StoreClient;
  beforeAll(async () => {
    db = await createTestDatabase('retention');
    store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    await migrate(store, { database: db.name, cluster: null });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('drops the expired partition from calls and rollup and keeps the recent one', async () => {
    const insert = (ts: string, span: string) =>
      db.command(`INSERT INTO ${db.name}.llm_calls (timestamp, trace_id, span_id, client_id, cost_nanos) VALUES ('${ts}', 't', '${span}', 'acme', 1000)`);
    await insert('2025-01-15 10:00:00', 'old');
    await insert('2026-11-20 10:00:00', 'new');
    const result = await enforceRetention(store, new Date('2026-11-25T00:00:00Z'), 400);
    expect(result.dropped).toEqual([
      { table: 'llm_calls', partition: '202501' },
      { table: 'llm_usage_daily', partition: '202501' },
    ]);
    expect(await db.queryRows(`SELECT span_id FROM ${db.name}.llm_calls ORDER BY span_id`)).toEqual([{ span_id: 'new' }]);
    expect(await db.queryRows(`SELECT toString(day) AS day, cost_nanos FROM ${db.name}.llm_usage_daily`)).toEqual([{ day: '2026-11-20', cost_nanos: '1000' }]);
  });
});
