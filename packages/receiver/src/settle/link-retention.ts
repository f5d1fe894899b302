import { activePartitions, dropPartition } from '../clickhouse/partitions.js';
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
  const rows = await activePartitions(store, TABLES);
  const expired = rows.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.partition) && r.partition < cutoff).sort((a, b) => (a.table + a.partition < b.table + b.partition ? -1 : 1));
  for (const r of expired) await dropPartition(store, r.table, quoteString(r.partition));
  return expired.map((r) => ({ table: r.table, day: r.partition }));
}
