import { TokenLedgerError } from '../errors.js';

/**
 * The body cannot be decoded as an OTLP export request (truncated varint, length past the end, wrong
 * wire type or JSON type for a known field, invalid JSON, nesting too deep). Permanent: OTLP/HTTP
 * "Bad Data" says answer 400 and the client must not retry.
 */
export class OtlpDecodeError extends TokenLedgerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('otlp_decode', message, options);
  }
}

/** The body (after inflating) is larger than the configured limit: HTTP 413. */
export class PayloadTooLargeError extends TokenLedgerError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

/** A Content-Type or Content-Encoding we do not read: HTTP 415 (OTLP requires only none and gzip). */
export class UnsupportedMediaTypeError extends TokenLedgerError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}
