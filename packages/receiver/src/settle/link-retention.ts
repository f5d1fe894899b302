import type { StoreClient } from '../clickhouse/store-client.js';
import { quoteString } from '../clickhouse/sql.js';
import { SPAN_LINKS } from '../store/span-links.js';

/**
 * span_links is only the settle stage's working memory: whole days (partitions) older than
 * `days` are dropped, which is instant on every ClickHouse version (18.16 has no TTL).
 */
export async function dropExpiredLinks(store: StoreClient, now: Date, days: number): Promise<string[]> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const rows = await store.queryRows<{ partition: string }>(
    `SELECT DISTINCT partition FROM system.parts WHERE active AND database = ${quoteString(store.database)} AND table = ${quoteString(SPAN_LINKS)}`,
  );
  const expired = rows.map((r) => r.partition).filter((p) => /^\d{4}-\d{2}-\d{2}$/.test(p) && p < cutoff);
  for (const day of expired) await store.command(`ALTER TABLE ${store.database}.${SPAN_LINKS} DROP PARTITION ${quoteString(day)}`);
  return expired;
}
