import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { quoteString } from '../clickhouse/sql.js';
import type { StoreClient } from '../clickhouse/store-client.js';
import { freshSource } from '../clickhouse/fresh-reads.js';

/**
 * Once-only work across receivers (migration work_claims): of all receivers that claim a key, the
 * one with the earliest claim does the work. Times are the ClickHouse server's, so receivers'
 * clocks need not agree. A claim waits `delayMs` before reading, so every claim made in the same
 * second is visible to every claimant; a claim made later than that sees the earlier one and loses.
 * On a cluster the claim table is Distributed like the others; the claims are read on every replica
 * (fresh-reads.ts), so a claim written through any node is seen before replication copies it.
 *
 * Residual: a winner that dies between winning and doing the work leaves the work undone (for an
 * alert: the pending record is written right after winning and resent at the next start).
 */

export const WORK_CLAIMS = 'work_claims';

export interface WorkClaimer {
  readonly holder: string;
  /** True when this process won `key` and must do the work; false when another receiver did. */
  claim(key: string): Promise<boolean>;
}

export function processHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function workClaimer(store: StoreClient, options: { holder?: string; delayMs?: number } = {}): WorkClaimer {
  const holder = options.holder ?? processHolder();
  const delayMs = options.delayMs ?? 1_000;
  return {
    holder,
    async claim(key) {
      await store.command(`INSERT INTO ${store.database}.${WORK_CLAIMS} (key, holder, claimed_at) SELECT ${quoteString(key)}, ${quoteString(holder)}, now()`);
      await sleep(delayMs);
      const claims = freshSource(store, WORK_CLAIMS);
      const [winner] = await store.queryRows<{ holder: string }>(
        `SELECT holder FROM ${claims.from} WHERE key = ${quoteString(key)} ORDER BY claimed_at, holder LIMIT 1${claims.settings}`,
      );
      return winner?.holder === holder;
    },
  };
}
