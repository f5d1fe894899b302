import type { StoreClient } from '../clickhouse/store-client.js';
import { activePartitions, dropPartition } from '../clickhouse/partitions.js';
import { quoteString } from '../clickhouse/sql.js';

/**
 * One scheduled import per slot across receivers sharing a database (migration 0012, the
 * settle_leases rule): every receiver claims the current slot of `seconds` (server clock), waits
 * `claimDelayMs` so that claims made in the same second are visible, and only the earliest claim
 * (ties: lowest holder) imports. A slot is one schedule period, so the import runs once per period
 * whichever receivers are up. An import is idempotent, so the rare residual race (two claims in
 * one second, one read before the other's insert) costs a repeated import, never wrong figures.
 */
export interface ReconcileLease {
  holder: string;
  seconds: number;
  claimDelayMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function acquireReconcileLease(store: StoreClient, lease: ReconcileLease): Promise<boolean> {
  const seconds = Math.max(1, Math.floor(lease.seconds));
  const [row] = await store.queryRows<{ slot: string }>(`SELECT toString(intDiv(toUInt32(now()), ${seconds})) AS slot`);
  const slot = row!.slot;
  await store.command(`INSERT INTO ${store.database}.reconcile_leases (slot, holder, claimed_at) SELECT ${slot}, ${quoteString(lease.holder)}, now()`);
  await sleep(lease.claimDelayMs);
  const [winner] = await store.queryRows<{ holder: string }>(
    `SELECT holder FROM ${store.database}.reconcile_leases WHERE slot = ${slot} ORDER BY claimed_at, holder LIMIT 1`,
  );
  return winner?.holder === lease.holder;
}

/** Lease days older than a week are dropped whole (18.16 has no TTL); they only order past runs. */
export async function dropOldLeases(store: StoreClient, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - 7 * 86_400_000).toISOString().slice(0, 10);
  const partitions = await activePartitions(store, ['reconcile_leases']);
  for (const r of partitions.filter((p) => /^\d{4}-\d{2}-\d{2}$/.test(p.partition) && p.partition < cutoff)) {
    await dropPartition(store, r.table, quoteString(r.partition));
  }
}
