import type { StoreClient } from '../clickhouse/store-client.js';
import { ident, joinSql, sql } from '../clickhouse/sql.js';
import { billedCallsWhere } from '../store/llm-calls.js';
import type { BillingPeriod } from './billing-period.js';

/** Calls of a period whose cost is not in `spent`: no price for the model, or no token usage at all. */
export interface UnaccountedCalls {
  unpriced: number;
  unmetered: number;
}

export const NO_UNACCOUNTED: UnaccountedCalls = Object.freeze({ unpriced: 0, unmetered: 0 });

/**
 * Per client, the unpriced and unmetered calls of one period, counted as the reports API counts
 * them (FINAL, repeats excluded), so a hard cap never reads $0 spent while usage it cannot price
 * goes on (#13 item 8). Only clients with such calls are in the map.
 */
export async function unaccountedCalls(store: StoreClient, clientIds: readonly string[], period: BillingPeriod): Promise<Map<string, UnaccountedCalls>> {
  if (clientIds.length === 0) return new Map();
  const ids = joinSql(clientIds.map((id) => sql`${id}`), ', ');
  const where = billedCallsWhere({ from: period.start, to: period.end });
  const rows = await store.queryRows<{ client_id: string; unpriced: string; unmetered: string }>(
    sql`SELECT client_id, sum(metered = 1 AND priced = 0) AS unpriced, sum(metered = 0) AS unmetered
FROM ${ident(store.database)}.llm_calls FINAL
WHERE ${where} AND client_id IN (${ids}) AND (metered = 0 OR priced = 0)
GROUP BY client_id`.text,
  );
  return new Map(rows.map((r) => [r.client_id, { unpriced: Number(r.unpriced), unmetered: Number(r.unmetered) }]));
}

/**
 * The counts above, kept for `ttlMs` per client and period: the budget endpoint is polled by SDK
 * guards and the gateway, and the count reads the period's calls with FINAL; new unpriced calls
 * show within `ttlMs` (as spend from other receivers does, billing-plugin.ts). At most `maxEntries`
 * are kept (client ids in the path are the caller's choice); past that the cache starts over.
 */
export function cachedUnaccountedCalls(store: StoreClient, ttlMs = 15_000, maxEntries = 10_000) {
  const cache = new Map<string, { at: number; counts: UnaccountedCalls }>();
  return async (clientId: string, period: BillingPeriod): Promise<UnaccountedCalls> => {
    const key = `${period.start.getTime()}:${clientId}`;
    const at = performance.now(); // a monotonic clock: business time may be fixed (tests) or jump
    const hit = cache.get(key);
    if (hit && at - hit.at < ttlMs) return hit.counts;
    const counts = (await unaccountedCalls(store, [clientId], period)).get(clientId) ?? NO_UNACCOUNTED;
    if (cache.size >= maxEntries) cache.clear();
    cache.set(key, { at, counts });
    return counts;
  };
}
