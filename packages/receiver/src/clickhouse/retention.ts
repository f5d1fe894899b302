import { activePartitions, dropPartition } from './partitions.js';
import type { StoreClient } from './store-client.js';

/**
 * Retention by dropping whole monthly partitions (18.16 has no TTL, and dropping a partition is
 * instant and leaves no half-deleted month). A partition goes only when its last day is older
 * than the cutoff, so a month that still holds retained days is kept whole. Default 400 days:
 * last year's invoices can still be re-issued.
 */

export const RETAINED_TABLES = [
  'llm_calls',
  'llm_usage_daily',
  'ingest_stats',
  'alert_deliveries',
  'work_claims',
  'provider_usage',
  'provider_imports',
] as const;

export interface RetentionResult {
  dropped: Array<{ table: string; partition: string }>;
}

/** The first day of the month after YYYYMM, in UTC. */
function monthEnd(partition: string): Date {
  const year = Number(partition.slice(0, 4));
  const month = Number(partition.slice(4, 6));
  return new Date(Date.UTC(year, month, 1));
}

export function expiredPartitions(partitions: string[], now: Date, retentionDays: number): string[] {
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  return partitions.filter((p) => /^\d{6}$/.test(p) && monthEnd(p).getTime() <= cutoff);
}

export async function enforceRetention(client: StoreClient, now: Date, retentionDays: number): Promise<RetentionResult> {
  const rows = await activePartitions(client, RETAINED_TABLES);
  const dropped: RetentionResult['dropped'] = [];
  for (const table of RETAINED_TABLES) {
    const partitions = rows.filter((r) => r.table === table).map((r) => r.partition);
    for (const partition of expiredPartitions(partitions, now, retentionDays)) {
      await dropPartition(client, table, String(Number(partition)));
      dropped.push({ table, partition });
    }
  }
  return { dropped };
}
