import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { TokenLedgerError } from '../errors.js';

/** The one place error codes become HTTP statuses. */
const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  invalid_request: 400,
  otlp_decode: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  queue_full: 429,
  rows_rejected: 400,
  store_overloaded: 429,
  store_unavailable: 503,
};

/** Seconds a client should wait before retrying a 429 or 503 (OTLP/HTTP "Retryable response codes"). */
export const RETRY_AFTER_SECONDS = 5;

export function statusFor(err: unknown): ContentfulStatusCode {
  if (err instanceof TokenLedgerError) return STATUS_BY_CODE[err.code] ?? 500;
  if (err instanceof HTTPException) return err.status as ContentfulStatusCode;
  return 500;
}

export function errorBody(err: unknown): { error: { code: string; message: string } } {
  if (err instanceof TokenLedgerError) return { error: { code: err.code, message: err.message } };
  if (err instanceof HTTPException) return { error: { code: 'http_error', message: err.message } };
  return { error: { code: 'internal', message: 'internal error' } };
}

/** JSON errors for every route except OTLP, which answers in its own encoding (otlp-route.ts). */
export function jsonErrorResponse(err: unknown, c: Context): Response {
  const status = statusFor(err);
  if (status === 429 || status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return c.json(errorBody(err), status);
}
