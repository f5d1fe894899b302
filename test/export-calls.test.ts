import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { storeCalls } from '../packages/receiver/src/ingest/store-calls.js';
import { exportCallsCsv } from '../packages/receiver/src/reports/export-calls.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { sampleRow } from './support/sample-call-row.js';

// On every engine: formatDateTime's %M is the minute on 18.16 and the month name on current
// ClickHouse, which once made this export write 2026-11-02T02:November:59Z.
describe('the per-call export on this ClickHouse', () => {
  let db: TestDatabase;
  let store: StoreClient;
  beforeAll(async () => {
    db = await createTestDatabase('export');
    store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    await migrate(store, { database: db.name, cluster: null });
    await storeCalls(store, [
      sampleRow({ timestamp: '2026-11-02 02:07:59', span_id: '0000000000000001', cost_nanos: '9007199254740993', output_cost_nanos: '9007199253490993' }),
      sampleRow({ timestamp: '2026-11-30 23:59:00', span_id: '0000000000000002', client_id: '', tag_keys: ['tier', 'env'], tag_values: ['=1+1', 'prod'] }),
    ]);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('writes ISO 8601 UTC instants, exact money past 2^53 nano-USD and every tag', async () => {
    let csv = '';
    for await (const chunk of exportCallsCsv(store, { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') })) csv += chunk;
    const [header, first, second] = csv.trimEnd().split('\n').map((line) => line.split(','));
    const column = (row: string[] | undefined, name: string) => row?.[header!.indexOf(name)];
    expect(header!.slice(-2)).toEqual(['tag.env', 'tag.tier']);
    expect([column(first, 'timestamp'), column(second, 'timestamp')]).toEqual(['2026-11-02T02:07:59Z', '2026-11-30T23:59:00Z']);
    expect([column(first, 'cost_usd'), column(first, 'output_cost_usd'), column(second, 'cost_usd')]).toEqual(['9007199.254740993', '9007199.253490993', '0.003250000']);
    expect([column(first, 'tag.tier'), column(second, 'tag.env')]).toEqual(['gold', 'prod']);
  });
});
