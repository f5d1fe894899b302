import { freshSource } from '../clickhouse/fresh-reads.js';
import type { StoreClient } from '../clickhouse/store-client.js';
import { joinSql, quoteString, sql, type SqlFragment } from '../clickhouse/sql.js';
import { CALL_COLUMNS, callKey, callRowsTsv, type CallRow } from '../rows/llm-call-row.js';

// The row format lives in rows/; re-exported for the modules that read it from the table's module.
export { CALL_COLUMNS, callKey, callRowsTsv, writeCallRow, type CallRow, type StoredCall } from '../rows/llm-call-row.js';
export { dateTimeText } from '../rows/date-time-text.js';

/** The llm_calls table: the queries that write it and the filter every billed figure reads it with. */
export const LLM_CALLS = 'llm_calls';

export async function insertCalls(client: StoreClient, rows: readonly CallRow[]): Promise<void> {
  if (rows.length > 0) await insertCallLines(client, callRowsTsv(rows));
}

/** Inserts calls already encoded by writeCallRow. */
export async function insertCallLines(client: StoreClient, lines: Uint8Array): Promise<void> {
  if (lines.byteLength > 0) await client.insertBytes(`${client.database}.${LLM_CALLS}`, CALL_COLUMNS, lines);
}

/**
 * The keys of `rows` that are already stored. The keys travel as external data and the sorting
 * key starts (day, trace_id, span_id), so the check reads only granules that may hold one of
 * them: at most one per key, which for random ids in a busy day is most of the day. PREWHERE on
 * span_id (implied by the WHERE, so the answer is the same) reads that column alone first and
 * trace_id only where a span_id matched: a third of the bytes, measured on a 5-million-row day
 * (docs/benchmarks.md). Used to drop exporter retries and Collector replays before they reach the
 * rollup. On a cluster it reads every replica (fresh-reads.ts): a re-send may arrive through
 * another receiver before replication copied the first one's insert.
 */
export async function storedKeys(client: StoreClient, rows: readonly Pick<CallRow, 'trace_id' | 'span_id' | 'timestamp'>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const days = [...new Set(rows.map((r) => r.timestamp.slice(0, 10)))];
  const source = freshSource(client, LLM_CALLS);
  const found = await client.queryWithTable<{ trace_id: string; span_id: string }>(
    `SELECT DISTINCT trace_id, span_id FROM ${source.from} PREWHERE span_id IN (SELECT s FROM batch_keys) WHERE toDate(timestamp) IN (${days.map((d) => `toDate(${quoteString(d)})`).join(', ')}) AND (trace_id, span_id) IN (SELECT t, s FROM batch_keys)${source.settings}`,
    { name: 'batch_keys', structure: 't String, s String', rows: rows.map((r) => [r.trace_id, r.span_id]) },
  );
  return new Set(found.map(callKey));
}

/**
 * The WHERE clause of every figure billed from llm_calls (reports, export, invoices, budgets,
 * reprice): calls in [from, to), of one client when given, and never a call the settle stage
 * marked as repeating another (`duplicate_of`). Read the table with FINAL alongside it.
 */
export function billedCallsWhere(filter: { from: Date; to?: Date | undefined; client?: string | undefined }): SqlFragment {
  const parts = [sql`timestamp >= ${filter.from}`, sql`duplicate_of = ''`];
  if (filter.to) parts.push(sql`timestamp < ${filter.to}`);
  if (filter.client !== undefined) parts.push(sql`client_id = ${filter.client}`);
  return joinSql(parts, ' AND ');
}

/** Token counts summed over calls, as reports and invoices show them. */
export interface TokenCounts {
  calls: number;
  input_tokens: number;
  cached_input_tokens: number;
  /** cache writes of both lifetimes */
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
}

/** The SELECT list that sums TokenCounts; read the result with tokenCounts(). */
export const TOKEN_SUMS = `count() AS calls,
  sum(input_tokens) AS input_tokens,
  sum(cached_input_tokens) AS cached_input_tokens,
  sum(cache_write_tokens + cache_write_1h_tokens) AS cache_write_tokens,
  sum(output_tokens) AS output_tokens,
  sum(reasoning_tokens) AS reasoning_tokens`;

/** ClickHouse answers UInt64 sums as strings; token totals stay far below 2^53. */
export function tokenCounts(row: Partial<Record<keyof TokenCounts, string | number>>): TokenCounts {
  return {
    calls: Number(row.calls ?? 0),
    input_tokens: Number(row.input_tokens ?? 0),
    cached_input_tokens: Number(row.cached_input_tokens ?? 0),
    cache_write_tokens: Number(row.cache_write_tokens ?? 0),
    output_tokens: Number(row.output_tokens ?? 0),
    reasoning_tokens: Number(row.reasoning_tokens ?? 0),
  };
}
