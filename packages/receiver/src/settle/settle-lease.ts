/**
 * A lease per time slot, so that of several receivers sharing a database one settles at a time
 * (migration 0010). All times are the ClickHouse server's, so receivers' clocks need not agree.
 *
 * A run claims the slot, waits `claimDelayMs` so that every claim made in the same second is
 * visible, and runs only if its claim is the earliest of the slot (ties: lowest holder). It must
 * start in the first half of the slot and re-checks the slot before writing, so the winner of the
 * next slot cannot overlap it. Residual race: two claims in the same second where one read lands
 * before the other's insert; `claimDelayMs` of a second or more makes that practically nil.
 * `tokenledger reprice` holds the same lease across many slots (holdLease), so settle and
 * reprice never rewrite the same rows at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoreClient } from '../clickhouse/store-client.js';
import { quoteString } from '../clickhouse/sql.js';
import { freshSource } from '../clickhouse/fresh-reads.js';
import { TokenLedgerError } from '../errors.js';

/** Another holder has the settle lease (a long reprice), or a long holder lost it. */
export class LeaseBusyError extends TokenLedgerError {
  constructor(message: string) {
    super('lease_busy', message);
  }
}

export interface LeaseOptions {
  /** Unique per process, e.g. host and pid plus a random suffix. */
  holder: string;
  /** Slot length; runs must finish within half of it (default in config: 60 s). */
  seconds: number;
  claimDelayMs: number;
}

export const SETTLE_LEASES = 'settle_leases';

/** The slot length in whole seconds, at least 2 so that a slot has a first half to start in. */
const slotSeconds = (lease: LeaseOptions) => Math.max(2, Math.floor(lease.seconds));

async function serverSlot(store: StoreClient, seconds: number): Promise<{ slot: string; into: number }> {
  const [row] = await store.queryRows<{ slot: string; into: number }>(
    `SELECT toString(intDiv(toUInt32(now()), ${seconds})) AS slot, toUInt32(now()) % ${seconds} AS into`,
  );
  return { slot: row!.slot, into: Number(row!.into) };
}

/** The slot this run holds, or null when another receiver holds it (or too little of it is left). */
export async function acquireLease(store: StoreClient, lease: LeaseOptions): Promise<string | null> {
  const seconds = slotSeconds(lease);
  const { slot, into } = await serverSlot(store, seconds);
  if (into * 2 >= seconds) return null;
  await store.command(`INSERT INTO ${store.database}.${SETTLE_LEASES} (slot, holder, claimed_at) SELECT ${slot}, ${quoteString(lease.holder)}, now()`);
  await sleep(lease.claimDelayMs);
  return (await winnerOf(store, slot)) === lease.holder ? slot : null;
}

/** True while the server clock is still in `slot`: checked right before writing. */
export async function stillHeld(store: StoreClient, lease: LeaseOptions, slot: string): Promise<boolean> {
  return (await serverSlot(store, slotSeconds(lease))).slot === slot;
}

/** Marks a claim given up (a finished reprice): the holder `released:<holder>` in the same slot. */
const RELEASED = 'released:';

async function winnerOf(store: StoreClient, slot: string): Promise<string | undefined> {
  // Claims of every replica (fresh-reads.ts), read once: the released marks are folded here.
  const leases = freshSource(store, SETTLE_LEASES);
  const claims = await store.queryRows<{ holder: string }>(
    `SELECT holder FROM ${leases.from} WHERE slot = ${slot} ORDER BY claimed_at, holder${leases.settings}`,
  );
  const released = new Set(claims.filter((c) => c.holder.startsWith(RELEASED)).map((c) => c.holder.slice(RELEASED.length)));
  const [winner] = claims.filter((c) => !c.holder.startsWith(RELEASED) && !released.has(c.holder));
  return winner?.holder;
}

async function claim(store: StoreClient, holder: string, slot: string, ahead: readonly bigint[]): Promise<void> {
  const rows = ahead.map((n) => `(${BigInt(slot) + n}, ${quoteString(holder)}, now())`).join(', ');
  await store.command(`INSERT INTO ${store.database}.${SETTLE_LEASES} (slot, holder, claimed_at) VALUES ${rows}`);
}

const claimAhead = (store: StoreClient, lease: LeaseOptions, slot: string) => claim(store, lease.holder, slot, [1n, 2n]);

/** A lease held across many slots (reprice): `renew` before each write. */
export interface LeaseHold {
  /** Claims the next two slots; true while this holder still holds the current one. */
  renew(): Promise<boolean>;
  /** Gives up the current slot and the two claimed ahead, so settle runs resume at once. */
  release(): Promise<void>;
}

/**
 * For work that may outlast a slot (`tokenledger reprice`): claims the next two slots now, which
 * is earlier than any settle run can claim them (runs claim the slot they run in), waits for the
 * first to begin and holds it. Each renew claims two more ahead, so a page of work shorter than
 * one slot never leaves a gap a settle run could start in. Null when another long holder (a
 * second reprice) claimed first.
 */
export async function holdLease(store: StoreClient, lease: LeaseOptions): Promise<LeaseHold | null> {
  const seconds = slotSeconds(lease);
  const { slot, into } = await serverSlot(store, seconds);
  await claimAhead(store, lease, slot);
  await sleep(Math.max(lease.claimDelayMs, (seconds - into) * 1000));
  while ((await serverSlot(store, seconds)).slot === slot) await sleep(200);
  if ((await winnerOf(store, String(BigInt(slot) + 1n))) !== lease.holder) {
    await claim(store, RELEASED + lease.holder, slot, [1n, 2n]);
    return null;
  }
  return {
    async renew() {
      const now = await serverSlot(store, seconds);
      await claimAhead(store, lease, now.slot);
      return (await winnerOf(store, now.slot)) === lease.holder;
    },
    async release() {
      await claim(store, RELEASED + lease.holder, (await serverSlot(store, seconds)).slot, [0n, 1n, 2n]);
    },
  };
}
