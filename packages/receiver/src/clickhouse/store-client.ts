import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseConfig } from '../config/config-schema.js';
import { StoreUnavailableError } from '../errors.js';

/**
 * A thin layer over @clickhouse/client: one place that knows the connection settings, and that
 * turns "cannot reach ClickHouse" into StoreUnavailableError (503 + Retry-After upstream).
 */
export interface StoreClient {
  readonly database: string;
  readonly raw: ClickHouseClient;
  command(query: string): Promise<void>;
  queryRows<T>(query: string): Promise<T[]>;
  insertRows(table: string, rows: readonly object[]): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Network failures are retryable; a ClickHouse exception with a code is a real query error. */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (typeof code === 'string' && /^E[A-Z]+/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT...
  return /timeout|socket hang up|ECONNREFUSED|ECONNRESET|EPIPE|network/i.test(err.message);
}

async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUnavailable(err)) throw new StoreUnavailableError(`ClickHouse unavailable during ${what}: ${(err as Error).message}`, { cause: err });
    throw err;
  }
}

export function createStoreClient(config: ClickHouseConfig, options: { requestTimeoutMs?: number } = {}): StoreClient {
  const raw = createClient({
    url: config.url,
    username: config.username,
    password: config.password,
    request_timeout: options.requestTimeoutMs ?? 30_000,
    max_open_connections: 16,
    // Failures surface as typed errors to the caller, which decides what is worth logging.
    log: { level: ClickHouseLogLevel.OFF },
  });
  return {
    database: config.database,
    raw,
    command: (query) => guard('command', async () => void (await raw.command({ query }))),
    queryRows: <T>(query: string) =>
      guard('query', async () => (await (await raw.query({ query, format: 'JSONEachRow' })).json()) as T[]),
    insertRows: (table, rows) =>
      guard('insert', async () => void (await raw.insert({ table, values: rows as object[], format: 'JSONEachRow' }))),
    ping: async () => (await raw.ping()).success,
    close: () => raw.close(),
  };
}
