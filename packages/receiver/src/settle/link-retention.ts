import type { StoreClient } from '../clickhouse/store-client.js';
import { quoteString } from '../clickhouse/sql.js';
import { SPAN_LINKS } from '../store/span-links.js';
import { ROLLUP_DIRTY } from './rollup-converge.js';
import { SETTLE_LEASES } from './settle-lease.js';

const TABLES = [SPAN_LINKS, SETTLE_LEASES, ROLLUP_DIRTY];

/**
 * span_links, settle_leases and rollup_dirty are only the settle stage's working memory: whole days (partitions)
 * older than `days` are dropped, which is instant on every ClickHouse version (18.16 has no TTL).
 */
export async function dropExpiredLinks(store: StoreClient, now: Date, days: number): Promise<Array<{ table: string; day: string }>> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const rows = await store.queryRows<{ table: string; partition: string }>(
    `SELECT DISTINCT table, partition FROM system.parts WHERE active AND database = ${quoteString(store.database)} AND table IN (${TABLES.map(quoteString).join(', ')})`,
  );
  const expired = rows.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.partition) && r.partition < cutoff).sort((a, b) => (a.table + a.partition < b.table + b.partition ? -1 : 1));
  for (const r of expired) await store.command(`ALTER TABLE ${store.database}.${r.table} DROP PARTITION ${quoteString(r.partition)}`);
  return expired.map((r) => ({ table: r.table, day: r.partition }));
}
