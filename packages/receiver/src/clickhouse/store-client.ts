import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import type { ClickHouseConfig } from '../config/config-schema.js';
import { StoreUnavailableError } from '../errors.js';
import { CLUSTER_SETTINGS } from './cluster-settings.js';
import { TsvWriter } from './tsv-rows.js';

/**
 * A thin layer over @clickhouse/client: one place that knows the connection settings, and that
 * turns "cannot reach ClickHouse" into StoreUnavailableError (503 + Retry-After upstream).
 */
export interface StoreClient {
  readonly database: string;
  /** The cluster name in cluster mode (tables are Distributed over `<name>_local`), else null. */
  readonly cluster: string | null;
  readonly raw: ClickHouseClient;
  command(query: string): Promise<void>;
  queryRows<T>(query: string): Promise<T[]>;
  insertRows(table: string, rows: readonly object[]): Promise<void>;
  /** Inserts rows already encoded as TabSeparated bytes into `columns` (see tsv-rows.ts). */
  insertTsv(table: string, columns: readonly string[], bytes: Uint8Array): Promise<void>;
  /**
   * A SELECT that reads a temporary table sent with the request (ClickHouse "external data"),
   * so thousands of keys cost a TSV upload instead of a huge IN (...) literal, which 18.16
   * parses slowly and refuses past max_query_size.
   */
  queryWithTable<T>(query: string, table: ExternalTable): Promise<T[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Network failures are retryable; a ClickHouse exception with a code is a real query error.
 * undici's fetch wraps the socket error as `cause` of a "fetch failed" TypeError.
 */
export function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_\w+)$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET...
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (/timeout|socket hang up|ECONNREFUSED|ECONNRESET|EPIPE|fetch failed|other side closed/i.test(e.message)) return true;
  }
  return false;
}

export interface ExternalTable {
  name: string;
  /** e.g. 't String, s String' */
  structure: string;
  rows: readonly (readonly string[])[];
}

async function queryExternal<T>(config: ClickHouseConfig, query: string, table: ExternalTable, timeoutMs: number): Promise<T[]> {
  const url = new URL(config.url);
  url.searchParams.set('query', `${query} FORMAT JSONEachRow`);
  if (config.cluster) for (const [k, v] of Object.entries(CLUSTER_SETTINGS)) url.searchParams.set(k, String(v));
  for (const [name, value] of Object.entries(JSON_SETTINGS)) url.searchParams.set(name, String(value));
  url.searchParams.set(`${table.name}_structure`, table.structure);
  url.searchParams.set(`${table.name}_format`, 'TabSeparated');
  const form = new FormData();
  const tsv = new TsvWriter();
  for (const row of table.rows) {
    for (let i = 0; i < row.length; i++) {
      if (i) tsv.tab();
      tsv.text(row[i]!);
    }
    tsv.endRow();
  }
  form.append(table.name, new Blob([tsv.bytes()]), `${table.name}.tsv`);
  const response = await fetch(url, {
    method: 'POST',
    body: form,
    headers: { 'X-ClickHouse-User': config.username, 'X-ClickHouse-Key': config.password },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(text.split('\n')[0]);
  return text ? text.trimEnd().split('\n').map((line) => JSON.parse(line) as T) : [];
}

async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUnavailable(err)) throw new StoreUnavailableError(`ClickHouse unavailable during ${what}: ${(err as Error).message}`, { cause: err });
    throw err;
  }
}

/**
 * 64-bit integers (nano-USD sums, token counts) as JSON strings, as 18.16 sends them by default;
 * current ClickHouse (26.7 when tried) sends numbers, which lose precision past 2^53 (about 9 million USD).
 */
const JSON_SETTINGS = { output_format_json_quote_64bit_integers: 1 } as const;

export function createStoreClient(config: ClickHouseConfig, options: { requestTimeoutMs?: number } = {}): StoreClient {
  const raw = createClient({
    url: config.url,
    username: config.username,
    password: config.password,
    request_timeout: options.requestTimeoutMs ?? 30_000,
    max_open_connections: 16,
    clickhouse_settings: { ...JSON_SETTINGS, ...(config.cluster ? CLUSTER_SETTINGS : {}) },
    // Failures surface as typed errors to the caller, which decides what is worth logging.
    log: { level: ClickHouseLogLevel.OFF },
  });
  return {
    database: config.database,
    cluster: config.cluster,
    raw,
    command: (query) => guard('command', async () => void (await raw.command({ query }))),
    queryRows: <T>(query: string) =>
      guard('query', async () => (await (await raw.query({ query, format: 'JSONEachRow' })).json()) as T[]),
    insertRows: (table, rows) =>
      guard('insert', async () => void (await raw.insert({ table, values: rows as object[], format: 'JSONEachRow' }))),
    insertTsv: (table, columns, bytes) =>
      guard('insert', async () => {
        await raw.insert({ table, values: Readable.from([bytes], { objectMode: false }), format: 'TabSeparated', columns: columns as [string, ...string[]] });
      }),
    queryWithTable: <T>(query: string, table: ExternalTable) =>
      guard('query', () => queryExternal<T>(config, query, table, options.requestTimeoutMs ?? 30_000)),
    ping: async () => (await raw.ping()).success,
    close: () => raw.close(),
  };
}
