import type { StoreClient } from '../clickhouse/store-client.js';
import { workClaimer } from '../coordination/work-claims.js';

/**
 * One scheduled import per slot across receivers sharing a database: the slot is one schedule
 * period on the ClickHouse server's clock, and the receiver that wins the slot's work claim
 * (coordination/work-claims.ts, as alerts use) imports. An import is idempotent, so the rare
 * residual race of a claim (two in one second, one read before the other's insert) costs a
 * repeated import, never wrong figures.
 */
export interface ReconcileLease {
  holder: string;
  seconds: number;
  claimDelayMs: number;
}

export async function acquireReconcileLease(store: StoreClient, lease: ReconcileLease): Promise<boolean> {
  const seconds = Math.max(1, Math.floor(lease.seconds));
  const [row] = await store.queryRows<{ slot: string }>(`SELECT toString(intDiv(toUInt32(now()), ${seconds})) AS slot`);
  return workClaimer(store, { holder: lease.holder, delayMs: lease.claimDelayMs }).claim(`reconcile-import:${seconds}:${row!.slot}`);
}
