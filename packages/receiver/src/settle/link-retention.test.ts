import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/clickhouse.js';
import { migrate } from '../clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../clickhouse/store-client.js';
import { insertLinks, type SpanLinkRow } from '../store/span-links.js';
import { dropExpiredLinks } from './link-retention.js';

describe('span_links retention on a real ClickHouse', () => {
  let db: TestDatabase;
  let store: StoreClient;
  beforeAll(async () => {
    db = await createTestDatabase('link_retention');
    store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    await migrate(store, { database: db.name, cluster: null });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('drops whole received days older than the retention, from links, leases and dirty rollup keys, and keeps the rest', async () => {
    const link = (span: string, received: string): SpanLinkRow => ({
      trace_id: 't1', span_id: span, parent_span_id: '', span_kind: 2, timestamp: received, client_id: 'acme', client_key: 'tokenledger.client.id', received_at: received,
    });
    await insertLinks(store, [link('old', '2026-11-20 23:59:59'), link('edge', '2026-11-22 00:00:00'), link('new', '2026-11-25 08:00:00')]);
    await store.command(`INSERT INTO ${db.name}.settle_leases (slot, holder, claimed_at) VALUES (1, 'a', '2026-11-21 10:00:00'), (2, 'a', '2026-11-25 10:00:00')`);
    await store.command(`INSERT INTO ${db.name}.rollup_dirty (day, client_id, marked_at) VALUES ('2026-11-20', 'acme', '2026-11-20 10:00:00'), ('2026-11-25', 'acme', '2026-11-25 10:00:00')`);
    const dropped = await dropExpiredLinks(store, new Date('2026-11-25T12:00:00Z'), 3);
    expect(dropped).toEqual([{ table: 'rollup_dirty', day: '2026-11-20' }, { table: 'settle_leases', day: '2026-11-21' }, { table: 'span_links', day: '2026-11-20' }]);
    expect(await store.queryRows(`SELECT span_id FROM ${db.name}.span_links ORDER BY span_id`)).toEqual([{ span_id: 'edge' }, { span_id: 'new' }]);
    expect(await dropExpiredLinks(store, new Date('2026-11-25T12:00:00Z'), 3)).toEqual([]);
  });
});
