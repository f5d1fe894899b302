import { dropExpiredDays } from '../clickhouse/partitions.js';
import type { StoreClient } from '../clickhouse/store-client.js';
import { SPAN_LINKS } from '../store/span-links.js';
import { ROLLUP_DIRTY } from './rollup-converge.js';
import { SETTLE_LEASES } from './settle-lease.js';

const TABLES = [SPAN_LINKS, SETTLE_LEASES, ROLLUP_DIRTY];

/** span_links, settle_leases and rollup_dirty are only the settle stage's working memory: whole days older than `days` go. */
export function dropExpiredLinks(store: StoreClient, now: Date, days: number): Promise<Array<{ table: string; day: string }>> {
  return dropExpiredDays(store, TABLES, now, days);
}
