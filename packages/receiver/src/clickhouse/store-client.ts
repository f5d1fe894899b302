import { randomUUID } from 'node:crypto';
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseConfig } from '../config/config-schema.js';
import { StoreUnavailableError } from '../errors.js';
import { CLUSTER_SETTINGS } from './cluster-settings.js';
import { clickhouseCode, storeError, type ClickHouseFailure } from './clickhouse-errors.js';
import { createHttpPoster, type HttpPoster } from './http-post.js';
import { TsvWriter } from './tsv-rows.js';

/**
 * A thin layer over @clickhouse/client: one place that knows the connection settings, and that
 * turns every failure into a typed error (clickhouse-errors.ts): StoreUnavailableError or
 * StoreOverloadedError (503/429 + Retry-After upstream) when a retry can succeed, else
 * StoreRejectedError. The receiver's own hot paths (the insert and the already-stored check) speak
 * HTTP themselves, so they see ClickHouse's status and X-ClickHouse-Exception-Code header.
 */
export interface StoreClient {
  readonly database: string;
  /** The cluster name in cluster mode (tables are Distributed over `<name>_local`), else null. */
  readonly cluster: string | null;
  /** Every replica as a shard of its own, for reads of rows just written (fresh-reads.ts), else null. */
  readonly replicasCluster?: string | null;
  readonly raw: ClickHouseClient;
  command(query: string): Promise<void>;
  queryRows<T>(query: string): Promise<T[]>;
  insertRows(table: string, rows: readonly object[]): Promise<void>;
  /** Inserts rows already encoded into `columns`: TabSeparated (tsv-rows.ts) unless RowBinary (row-binary.ts) is named. */
  insertBytes(table: string, columns: readonly string[], bytes: Uint8Array, format?: 'TabSeparated' | 'RowBinary'): Promise<void>;
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
 * (@clickhouse/client's undici wraps the socket error as `cause` of a "fetch failed" TypeError.)
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

/** ClickHouse answered, with an error. */
class ClickHouseAnswerError extends Error {
  constructor(readonly failure: ClickHouseFailure) {
    super(failure.message);
  }
}

/** One POST to ClickHouse's HTTP interface; an error answer (status or exception header) throws. */
async function post(config: ClickHouseConfig, http: HttpPoster, params: Record<string, string>, body: Uint8Array, timeoutMs: number, contentType?: string): Promise<string> {
  const url = new URL(config.url);
  for (const [name, value] of Object.entries({ ...sessionSettings(config), ...params })) url.searchParams.set(name, String(value));
  const headers = { 'X-ClickHouse-User': config.username, 'X-ClickHouse-Key': config.password, ...(contentType ? { 'Content-Type': contentType } : {}) };
  const { status, exceptionCode, text } = await http.post(url, headers, body, timeoutMs);
  if (status < 200 || status >= 300 || exceptionCode) {
    throw new ClickHouseAnswerError({ code: clickhouseCode(exceptionCode, text), httpStatus: status, message: text.trim() || `HTTP ${status}` });
  }
  return text;
}

/**
 * One file part of multipart/form-data, in one buffer: a FormData body is written by fetch as
 * many small chunks, one syscall each, which cost more than the query on every ingest check.
 */
function multipartFile(name: string, bytes: Uint8Array): { body: Uint8Array; contentType: string } {
  const boundary = `tokenledger-${randomUUID()}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.tsv"\r\nContent-Type: text/tab-separated-values\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function queryExternal<T>(config: ClickHouseConfig, http: HttpPoster, query: string, table: ExternalTable, timeoutMs: number): Promise<T[]> {
  const tsv = new TsvWriter();
  for (const row of table.rows) {
    for (let i = 0; i < row.length; i++) {
      if (i) tsv.tab();
      tsv.text(row[i]!);
    }
    tsv.endRow();
  }
  const { body, contentType } = multipartFile(table.name, tsv.bytes());
  const params = { query: `${query} FORMAT JSONEachRow`, [`${table.name}_structure`]: table.structure, [`${table.name}_format`]: 'TabSeparated' };
  const text = await post(config, http, params, body, timeoutMs, contentType);
  return text ? text.trimEnd().split('\n').map((line) => JSON.parse(line) as T) : [];
}

/** What ClickHouse said, from our own HTTP answer or from @clickhouse/client's error (18.16's bodies it leaves unparsed). */
function failureOf(err: unknown): ClickHouseFailure | null {
  if (err instanceof ClickHouseAnswerError) return err.failure;
  if (err instanceof ClickHouseError) return { code: Number(err.code), httpStatus: null, message: err.message };
  const code = err instanceof Error ? clickhouseCode(null, err.message) : null;
  return code === null ? null : { code, httpStatus: null, message: (err as Error).message };
}

async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // ClickHouse's own answer first: its text may mention "timeout" and still be the rows' fault.
    const failure = failureOf(err);
    if (failure) throw storeError(what, failure, err);
    if (isUnavailable(err)) throw new StoreUnavailableError(`ClickHouse unavailable during ${what}: ${(err as Error).message}`, { cause: err });
    throw err;
  }
}

/**
 * 64-bit integers (nano-USD sums, token counts) as JSON strings, as 18.16 sends them by default;
 * current ClickHouse (26.7 when tried) sends numbers, which lose precision past 2^53 (about 9 million USD).
 */
const JSON_SETTINGS = { output_format_json_quote_64bit_integers: 1 } as const;

/** Settings of every request, ours and the client's: on a cluster also those of cluster-settings.ts. */
function sessionSettings(config: ClickHouseConfig): ClickHouseSettings {
  return { ...JSON_SETTINGS, ...(config.cluster ? CLUSTER_SETTINGS : {}) };
}

export function createStoreClient(config: ClickHouseConfig, options: { requestTimeoutMs?: number } = {}): StoreClient {
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const http = createHttpPoster(16);
  const raw = createClient({
    url: config.url,
    username: config.username,
    password: config.password,
    request_timeout: timeoutMs,
    max_open_connections: 16,
    clickhouse_settings: sessionSettings(config),
    // Failures surface as typed errors to the caller, which decides what is worth logging.
    log: { level: ClickHouseLogLevel.OFF },
  });
  return {
    database: config.database,
    cluster: config.cluster,
    replicasCluster: config.replicasCluster ?? null,
    raw,
    command: (query) => guard('command', async () => void (await raw.command({ query }))),
    queryRows: <T>(query: string) =>
      guard('query', async () => (await (await raw.query({ query, format: 'JSONEachRow' })).json()) as T[]),
    insertRows: (table, rows) =>
      guard('insert', async () => void (await raw.insert({ table, values: rows as object[], format: 'JSONEachRow' }))),
    insertBytes: (table, columns, bytes, format = 'TabSeparated') =>
      guard('insert', async () => {
        await post(config, http, { query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT ${format}` }, bytes, timeoutMs);
      }),
    queryWithTable: <T>(query: string, table: ExternalTable) =>
      guard('query', () => queryExternal<T>(config, http, query, table, timeoutMs)),
    ping: async () => (await raw.ping()).success,
    close: async () => {
      http.close();
      await raw.close();
    },
  };
}
