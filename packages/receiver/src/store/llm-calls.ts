import type { StoreClient } from '../clickhouse/store-client.js';
import { joinSql, quoteString, sql, type SqlFragment } from '../clickhouse/sql.js';
import { TsvWriter } from '../clickhouse/tsv-rows.js';

/**
 * The llm_calls table: its row shape and the queries that write it. The DDL is migration 0001;
 * docs/schema.md documents every column. Integers that may pass 2^53 (tokens, nano-USD) travel
 * as decimal strings, which JSONEachRow accepts for UInt64/Int64 columns.
 */
export interface CallRow {
  timestamp: string; // 'YYYY-MM-DD hh:mm:ss' UTC
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  client_id: string;
  client_key: string;
  project: string;
  feature: string;
  app: string;
  environment: string;
  user_id: string;
  provider: string;
  operation: string;
  request_model: string;
  response_model: string;
  response_id: string;
  service_tier: string;
  price_key: string;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  input_cost_nanos: string;
  cached_input_cost_nanos: string;
  cache_write_cost_nanos: string;
  output_cost_nanos: string;
  cost_nanos: string;
  producer_cost_nanos: string | null;
  priced: 0 | 1;
  metered: 0 | 1;
  estimated: 0 | 1;
  duration_ms: number;
  status: string;
  error_type: string;
  dialect: string;
  scope_name: string;
  tag_keys: string[];
  tag_values: string[];
  received_at: string;
  revision: number;
  /** span_id of the call billed instead ('' = billed); set by the settle stage (migration 0009). */
  duplicate_of?: string;
}

export const LLM_CALLS = 'llm_calls';

/** What plugins see of each stored call (onStored): enough for spend, budgets and alerts. */
export type StoredCall = Pick<
  CallRow,
  'timestamp' | 'trace_id' | 'span_id' | 'client_id' | 'provider' | 'request_model' | 'response_model' | 'cost_nanos' | 'priced' | 'metered'
>;

let lastSecond = Number.NaN;
let lastText = '';

/**
 * 'YYYY-MM-DD hh:mm:ss' in UTC, the text form DateTime('UTC') columns read. The calls of one
 * request mostly share their second, so the last one is remembered.
 */
export function dateTimeText(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = d.toISOString().slice(0, 19).replace('T', ' ');
    lastSecond = second;
  }
  return lastText;
}

export function callKey(row: Pick<CallRow, 'trace_id' | 'span_id'>): string {
  return `${row.trace_id}:${row.span_id}`;
}

/** Every column of CallRow, in one fixed order for TabSeparated inserts. */
export const CALL_COLUMNS = [
  'timestamp', 'trace_id', 'span_id', 'parent_span_id', 'client_id', 'client_key', 'project', 'feature', 'app', 'environment',
  'user_id', 'provider', 'operation', 'request_model', 'response_model', 'response_id', 'service_tier', 'price_key',
  'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'output_tokens', 'reasoning_tokens',
  'input_cost_nanos', 'cached_input_cost_nanos', 'cache_write_cost_nanos', 'output_cost_nanos', 'cost_nanos', 'producer_cost_nanos',
  'priced', 'metered', 'estimated', 'duration_ms', 'status', 'error_type', 'dialect', 'scope_name', 'tag_keys', 'tag_values',
  'received_at', 'revision', 'duplicate_of',
] as const satisfies readonly (keyof CallRow)[];
// A column added to CallRow but not above fails to compile here.
const _everyColumn: Exclude<keyof CallRow, (typeof CALL_COLUMNS)[number]> extends never ? true : never = true;
void _everyColumn;

/**
 * Appends one call as a TabSeparated line in CALL_COLUMNS order, field by field: reading 43
 * columns by name from each row costs more than all the escaping (a test holds the result equal
 * to encoding each column by name). Integer columns go through `value`: rows read back from ClickHouse (settle)
 * carry UInt64 as decimal strings.
 */
export function writeCallRow(w: TsvWriter, r: CallRow): void {
  w.text(r.timestamp).tab().text(r.trace_id).tab().text(r.span_id).tab().text(r.parent_span_id).tab();
  w.text(r.client_id).tab().text(r.client_key).tab().text(r.project).tab().text(r.feature).tab().text(r.app).tab();
  w.text(r.environment).tab().text(r.user_id).tab().text(r.provider).tab().text(r.operation).tab();
  w.text(r.request_model).tab().text(r.response_model).tab().text(r.response_id).tab().text(r.service_tier).tab().text(r.price_key).tab();
  w.value(r.input_tokens).tab().value(r.cached_input_tokens).tab().value(r.cache_write_tokens).tab();
  w.value(r.cache_write_1h_tokens).tab().value(r.output_tokens).tab().value(r.reasoning_tokens).tab();
  w.text(r.input_cost_nanos).tab().text(r.cached_input_cost_nanos).tab().text(r.cache_write_cost_nanos).tab();
  w.text(r.output_cost_nanos).tab().text(r.cost_nanos).tab().value(r.producer_cost_nanos).tab();
  w.value(r.priced).tab().value(r.metered).tab().value(r.estimated).tab().value(r.duration_ms).tab();
  w.text(r.status).tab().text(r.error_type).tab().text(r.dialect).tab().text(r.scope_name).tab();
  w.array(r.tag_keys).tab().array(r.tag_values).tab().text(r.received_at).tab().value(r.revision).tab();
  w.text(r.duplicate_of ?? '').endRow();
}

export function callRowsTsv(rows: readonly CallRow[]): Buffer {
  const w = new TsvWriter(rows.length * 512);
  for (const r of rows) writeCallRow(w, r);
  return w.bytes();
}

export async function insertCalls(client: StoreClient, rows: readonly CallRow[]): Promise<void> {
  if (rows.length > 0) await insertCallLines(client, callRowsTsv(rows));
}

/** Inserts calls already encoded by writeCallRow. */
export async function insertCallLines(client: StoreClient, lines: Uint8Array): Promise<void> {
  if (lines.byteLength > 0) await client.insertTsv(`${client.database}.${LLM_CALLS}`, CALL_COLUMNS, lines);
}

/**
 * The keys of `rows` that are already stored. The keys travel as external data and the day is
 * part of the sorting key, so the check reads only the granules of those days and costs
 * milliseconds for a 5,000-row batch. Used to drop exporter retries and Collector replays
 * before they reach the rollup.
 */
export async function storedKeys(client: StoreClient, rows: readonly Pick<CallRow, 'trace_id' | 'span_id' | 'timestamp'>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const days = [...new Set(rows.map((r) => r.timestamp.slice(0, 10)))];
  const found = await client.queryWithTable<{ trace_id: string; span_id: string }>(
    `SELECT trace_id, span_id FROM ${client.database}.${LLM_CALLS} WHERE toDate(timestamp) IN (${days.map((d) => `toDate(${quoteString(d)})`).join(', ')}) AND (trace_id, span_id) IN (SELECT t, s FROM batch_keys)`,
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
