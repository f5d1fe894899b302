import type { StoreClient } from '../clickhouse/store-client.js';
import { quoteString } from '../clickhouse/sql.js';
import { dateTimeText } from '../store/llm-calls.js';

/**
 * The alerts_fired table (migration 0005). Versions order the states of one alert, and
 * ReplacingMergeTree keeps the highest: pending (claimed, not yet delivered) < failed < sent.
 * `none` (no webhook configured) is terminal like sent: the alert is recorded for dashboards.
 */
const STATE_VERSION = { pending: 1, failed: 2, sent: 3, none: 3 } as const;
export type AlertState = keyof typeof STATE_VERSION;

export interface AlertRecord {
  client_id: string;
  period: string;
  kind: string;
  threshold: number;
  subject: string;
  alert_id: string;
  state: AlertState;
  version: number;
  spent_nanos: string;
  budget_nanos: string;
  message: string;
  payload: string;
  attempts: number;
  last_error: string;
  created_at: string;
  updated_at: string;
}

export async function writeAlertRecord(store: StoreClient, record: Omit<AlertRecord, 'version' | 'updated_at'>, at: Date): Promise<void> {
  await writeAlertRecords(store, [record], at);
}

/** One insert for many records: the claims of one flush of stored calls go in together. */
export async function writeAlertRecords(store: StoreClient, records: readonly Omit<AlertRecord, 'version' | 'updated_at'>[], at: Date): Promise<void> {
  if (records.length) await store.insertRows(`${store.database}.alerts_fired`, records.map((r) => ({ ...r, version: STATE_VERSION[r.state], updated_at: dateTimeText(at) })));
}

/** Every record, or those of the periods in [from, to] ('YYYY-MM' labels). */
export async function readAlertRecords(store: StoreClient, periods?: { from: string; to: string }): Promise<AlertRecord[]> {
  const where = periods ? `WHERE period >= ${quoteString(periods.from)} AND period <= ${quoteString(periods.to)} ` : '';
  const rows = await store.queryRows<AlertRecord>(
    `SELECT client_id, period, kind, threshold, subject, alert_id, state, version, toString(spent_nanos) AS spent_nanos,
  toString(budget_nanos) AS budget_nanos, message, payload, attempts, last_error, toString(created_at) AS created_at, toString(updated_at) AS updated_at
FROM ${store.database}.alerts_fired FINAL ${where}ORDER BY created_at, alert_id`,
  );
  return rows.map((r) => ({ ...r, threshold: Number(r.threshold), version: Number(r.version), attempts: Number(r.attempts) }));
}
