import type { StoreClient } from '../clickhouse/store-client.js';
import { ident, joinSql, sql } from '../clickhouse/sql.js';
import { dateTimeText } from '../store/llm-calls.js';
import type { ClientBilling, ClientDirectory } from './client-billing.js';

/** The `clients` table (migration 0003): config synced at start, ids seen in traffic kept too. */
export interface ClientRecord {
  id: string;
  name: string;
  markup_bp: number;
  monthly_budget_nanos: string;
  alert_thresholds_pct: number[];
  hard_cap: number;
  in_config: number;
  period_start_day: number;
  /** cost_plus, retainer or per_unit (migration 0016). */
  plan_type: string;
  updated_at: string;
}

function record(c: ClientBilling, at: Date): ClientRecord {
  return {
    id: c.id,
    name: c.name,
    markup_bp: c.markupBp,
    monthly_budget_nanos: (c.budgetNanos ?? 0n).toString(),
    alert_thresholds_pct: c.thresholds,
    hard_cap: c.hardCap ? 1 : 0,
    in_config: c.inConfig ? 1 : 0,
    period_start_day: c.periodStartDay,
    plan_type: c.plan.type,
    updated_at: dateTimeText(at),
  };
}

export async function insertClients(store: StoreClient, clients: readonly ClientBilling[], at: Date): Promise<void> {
  if (clients.length) await store.insertRows(`${store.database}.clients`, clients.map((c) => record(c, at)));
}

/**
 * Writes every configured client, and marks as `in_config = 0` every other id that is in the
 * table or in llm_calls: a client dropped from the config or never configured is listed, never lost.
 */
export async function syncClients(store: StoreClient, directory: ClientDirectory, at: Date): Promise<string[]> {
  const configured = directory.configured();
  // NOT IN () is a syntax error, and no client id is '' (that is unattributed usage).
  const ids = joinSql((configured.length ? configured.map((c) => c.id) : ['']).map((id) => sql`${id}`), ', ');
  const db = ident(store.database);
  const rows = await store.queryRows<{ id: string }>(
    sql`SELECT DISTINCT client_id AS id FROM ${db}.llm_calls WHERE client_id != '' AND client_id NOT IN (${ids})
UNION ALL
SELECT id FROM ${db}.clients FINAL WHERE in_config = 1 AND id NOT IN (${ids})`.text,
  );
  const others = [...new Set(rows.map((r) => r.id))].sort();
  await insertClients(store, [...configured, ...others.map((id) => directory.get(id))], at);
  return others;
}

export async function listClients(store: StoreClient): Promise<ClientRecord[]> {
  return store.queryRows<ClientRecord>(
    `SELECT id, name, markup_bp, toString(monthly_budget_nanos) AS monthly_budget_nanos, alert_thresholds_pct, hard_cap, in_config, period_start_day, plan_type, toString(updated_at) AS updated_at FROM ${store.database}.clients FINAL ORDER BY id`,
  );
}
