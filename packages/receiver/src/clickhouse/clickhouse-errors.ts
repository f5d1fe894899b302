import { StoreUnavailableError, TokenLedgerError } from '../errors.js';

/**
 * Every ClickHouse failure, classified in one place (docs/receiver.md, "When ClickHouse fails").
 *
 * Retryable: the server, a replica or Keeper cannot take the rows now, or the receiver's own
 * setup is wrong (a missing table, a bad password) — the rows are fine and the same request will
 * succeed later, so the exporter is told to retry (OTLP/HTTP: 429 and 503 are retryable, every
 * other status makes the Collector drop the data for good). Overload is 429, the rest 503.
 *
 * Permanent: everything else, above all ClickHouse refusing the rows themselves (a parse error,
 * a value out of range, more partitions in one insert than it allows). Sending them again cannot
 * help; the batch writer splits the batch to find the request whose rows these are.
 */

export type Retryable = { status: 429 | 503; name: string };

/** Retryable codes, by ClickHouse's own names (src/Common/ErrorCodes.cpp; 18.16 names where they changed). */
const RETRYABLE = new Map<number, Retryable>(
  Object.entries({
    // Overloaded: back off and come again.
    160: 'TOO_SLOW', 173: 'CANNOT_ALLOCATE_MEMORY', 201: 'QUOTA_EXPIRED', 202: 'TOO_MANY_SIMULTANEOUS_QUERIES',
    241: 'MEMORY_LIMIT_EXCEEDED', 252: 'TOO_MANY_PARTS', 439: 'CANNOT_SCHEDULE_TASK',
  }).map(([code, name]) => [Number(code), { status: 429, name }] as const),
);
for (const [code, name] of Object.entries({
  // Unavailable: the server, a replica or Keeper is not in a state to write.
  159: 'TIMEOUT_EXCEEDED', 164: 'READONLY', 203: 'NO_FREE_CONNECTION', 209: 'SOCKET_TIMEOUT', 210: 'NETWORK_ERROR',
  225: 'NO_ZOOKEEPER', 236: 'ABORTED', 242: 'TABLE_IS_READ_ONLY', 243: 'NOT_ENOUGH_SPACE', 279: 'ALL_CONNECTION_TRIES_FAILED',
  285: 'TOO_FEW_LIVE_REPLICAS', 286: 'UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE', 319: 'UNKNOWN_STATUS_OF_INSERT',
  394: 'QUERY_WAS_CANCELLED', 425: 'SYSTEM_ERROR', 999: 'KEEPER_EXCEPTION',
  // The receiver's setup (migrations, user, grants): an operator fixes it, then the retry succeeds.
  16: 'NO_SUCH_COLUMN_IN_TABLE', 60: 'UNKNOWN_TABLE', 81: 'UNKNOWN_DATABASE', 192: 'UNKNOWN_USER', 193: 'WRONG_PASSWORD',
  194: 'REQUIRED_PASSWORD', 195: 'IP_ADDRESS_NOT_ALLOWED', 291: 'DATABASE_ACCESS_DENIED', 497: 'ACCESS_DENIED',
  516: 'AUTHENTICATION_FAILED',
})) {
  RETRYABLE.set(Number(code), { status: 503, name });
}

/** TOO_MANY_PARTS (252) also names a batch that spans too many partitions: that one is the rows' fault. */
const PARTITIONS_PER_INSERT = /partitions for (a )?single INSERT block/i;

/** HTTP statuses that come from a proxy or load balancer in front of ClickHouse, without a code. */
const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);

/** ClickHouse answered with an error: its code (header or body) and HTTP status, when known. */
export interface ClickHouseFailure {
  code: number | null;
  httpStatus: number | null;
  message: string;
}

/** Retryable (with the status to answer) or null for permanent. */
export function retryableFailure(failure: ClickHouseFailure): Retryable | null {
  if (failure.code === null) {
    return failure.httpStatus !== null && RETRYABLE_HTTP.has(failure.httpStatus) ? { status: failure.httpStatus === 429 ? 429 : 503, name: `HTTP ${failure.httpStatus}` } : null;
  }
  if (failure.code === 252 && PARTITIONS_PER_INSERT.test(failure.message)) return null;
  return RETRYABLE.get(failure.code) ?? null;
}

/**
 * The code of a ClickHouse error: the X-ClickHouse-Exception-Code header when the answer has it
 * (current servers), else `Code: N` at the start of the body ("Code: 252. DB::Exception: ..." now,
 * "Code: 252, e.displayText() = DB::Exception: ..." on 18.16).
 */
export function clickhouseCode(header: string | null | undefined, body: string): number | null {
  const fromHeader = header ? Number.parseInt(header, 10) : Number.NaN;
  if (Number.isInteger(fromHeader)) return fromHeader;
  const match = /^\s*Code: (\d+)[.,]/.exec(body);
  return match ? Number(match[1]) : null;
}

/**
 * The ClickHouse code behind any error a store call throws: typed store errors keep the answer as
 * their cause, @clickhouse/client gives it as `code` (current servers) or only in the message (18.16).
 */
export function clickhouseCodeOf(err: unknown): number | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof StoreRejectedError && e.clickhouseCode !== null) return e.clickhouseCode;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
    const inMessage = /\bCode: (\d+)/.exec(e.message);
    if (inMessage) return Number(inMessage[1]);
  }
  return null;
}

/** ClickHouse is overloaded: refuse with 429 + Retry-After. */
export class StoreOverloadedError extends TokenLedgerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_overloaded', message, options);
  }
}

/** ClickHouse refused for good (retrying the same statement cannot succeed). */
export class StoreRejectedError extends TokenLedgerError {
  constructor(
    readonly clickhouseCode: number | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('store_rejected', message, options);
  }
}

/** The typed error for a failure: StoreOverloadedError, StoreUnavailableError or StoreRejectedError. */
export function storeError(what: string, failure: ClickHouseFailure, cause?: unknown): TokenLedgerError {
  const firstLine = failure.message.split('\n')[0]!.slice(0, 500);
  const retryable = retryableFailure(failure);
  const text = `ClickHouse ${retryable ? `cannot take the ${what} now (${retryable.name})` : `refused the ${what}`}: ${firstLine}`;
  if (!retryable) return new StoreRejectedError(failure.code, text, { cause });
  return retryable.status === 429 ? new StoreOverloadedError(text, { cause }) : new StoreUnavailableError(text, { cause });
}

/** The writer's question: is this failure the rows' own, so the batch should be split? */
export function isPermanentStoreError(err: unknown): boolean {
  return err instanceof StoreRejectedError;
}
