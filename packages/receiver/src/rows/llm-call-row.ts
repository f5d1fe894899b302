import { TsvWriter } from '../clickhouse/tsv-rows.js';

/**
 * The row format of llm_calls, its one home: ingest makes these rows, store/ and settle/ write
 * them, and neither reaches into the other for it. The DDL is migration 0001; docs/schema.md
 * documents every column. Integers that may pass 2^53 (tokens, nano-USD) travel as decimal
 * strings, which ClickHouse reads for UInt64/Int64 columns.
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
  /** The business unit the call worked for (tokenledger.unit.kind / .id; migration llm_calls_units); '' = none. */
  unit_kind?: string;
  unit_id?: string;
}

/** What plugins see of each stored call (onStored): enough for spend, budgets and alerts. */
export type StoredCall = Pick<
  CallRow,
  'timestamp' | 'trace_id' | 'span_id' | 'client_id' | 'project' | 'feature' | 'app' | 'provider' | 'request_model' | 'response_model' | 'cost_nanos' | 'priced' | 'metered'
>;

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
  'received_at', 'revision', 'duplicate_of', 'unit_kind', 'unit_id',
] as const satisfies readonly (keyof CallRow)[];
// A column added to CallRow but not above fails to compile here.
const _everyColumn: Exclude<keyof CallRow, (typeof CALL_COLUMNS)[number]> extends never ? true : never = true;
void _everyColumn;

/**
 * Appends one call as a TabSeparated line in CALL_COLUMNS order, field by field: reading 45
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
  w.text(r.duplicate_of ?? '').tab().text(r.unit_kind ?? '').tab().text(r.unit_id ?? '').endRow();
}

export function callRowsTsv(rows: readonly CallRow[]): Buffer {
  const w = new TsvWriter(rows.length * 512);
  for (const r of rows) writeCallRow(w, r);
  return w.bytes();
}
