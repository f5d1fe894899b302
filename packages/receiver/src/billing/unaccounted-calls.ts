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
