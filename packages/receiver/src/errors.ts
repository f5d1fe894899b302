/**
 * Typed errors with a stable code. The HTTP layer maps codes to statuses in one place
 * (http/error-handler.ts); the CLI prints `message` on one line and exits non-zero.
 */
export class TokenLedgerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration (file, env or flags); the message names the bad key. */
export class ConfigError extends TokenLedgerError {
  constructor(message: string) {
    super('config_invalid', message);
  }
}

/** A bad command line: unknown flag, missing argument. */
export class UsageError extends TokenLedgerError {
  constructor(message: string) {
    super('usage', message);
  }
}

/** Bad input from a client of the HTTP API (query parameters, path). */
export class InvalidRequestError extends TokenLedgerError {
  constructor(message: string) {
    super('invalid_request', message);
  }
}

/** The store cannot take or answer now (ClickHouse down, queue full): retry later. */
export class StoreUnavailableError extends TokenLedgerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, options);
  }
}

export class NotFoundError extends TokenLedgerError {
  constructor(message: string) {
    super('not_found', message);
  }
}
