/**
 * A lease per time slot, so that of several receivers sharing a database one settles at a time
 * (migration 0010). All times are the ClickHouse server's, so receivers' clocks need not agree.
 *
 * A run claims the slot, waits `claimDelayMs` so that every claim made in the same second is
 * visible, and runs only if its claim is the earliest of the slot (ties: lowest holder). It must
 * start in the first half of the slot and re-checks the slot before writing, so the winner of the
 * next slot cannot overlap it. Residual race: two claims in the same second where one read lands
 * before the other's insert; `claimDelayMs` of a second or more makes that practically nil.
 */
import type { StoreClient } from '../clickhouse/store-client.js';
import { quoteString } from '../clickhouse/sql.js';

export interface LeaseOptions {
  /** Unique per process, e.g. host and pid plus a random suffix. */
  holder: string;
  /** Slot length; runs must finish within half of it (default in config: 60 s). */
  seconds: number;
  claimDelayMs: number;
}

export const SETTLE_LEASES = 'settle_leases';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serverSlot(store: StoreClient, seconds: number): Promise<{ slot: string; into: number }> {
  const [row] = await store.queryRows<{ slot: string; into: number }>(
    `SELECT toString(intDiv(toUInt32(now()), ${seconds})) AS slot, toUInt32(now()) % ${seconds} AS into`,
  );
  return { slot: row!.slot, into: Number(row!.into) };
}

/** The slot this run holds, or null when another receiver holds it (or too little of it is left). */
export async function acquireLease(store: StoreClient, lease: LeaseOptions): Promise<string | null> {
  const seconds = Math.max(2, Math.floor(lease.seconds));
  const { slot, into } = await serverSlot(store, seconds);
  if (into * 2 >= seconds) return null;
  await store.command(`INSERT INTO ${store.database}.${SETTLE_LEASES} (slot, holder, claimed_at) SELECT ${slot}, ${quoteString(lease.holder)}, now()`);
  await sleep(lease.claimDelayMs);
  const [winner] = await store.queryRows<{ holder: string }>(
    `SELECT holder FROM ${store.database}.${SETTLE_LEASES} WHERE slot = ${slot} ORDER BY claimed_at, holder LIMIT 1`,
  );
  return winner?.holder === lease.holder ? slot : null;
}

/** True while the server clock is still in `slot`: checked right before writing. */
export async function stillHeld(store: StoreClient, lease: LeaseOptions, slot: string): Promise<boolean> {
  return (await serverSlot(store, Math.max(2, Math.floor(lease.seconds)))).slot === slot;
}
