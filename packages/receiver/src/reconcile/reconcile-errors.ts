import { TokenLedgerError } from '../errors.js';

/**
 * A missing or refused admin key. The message names the provider and the variable or the HTTP
 * status, never the key: it is printed as the CLI's one line and written to the serve log.
 */
export class AdminKeyError extends TokenLedgerError {
  constructor(message: string) {
    super('admin_key', message);
  }
}

/** The admin API failed past every retry, or answered something that is not its wire format. */
export class ProviderApiError extends TokenLedgerError {
  constructor(message: string) {
    super('provider_api', message);
  }
}

/** A CSV import file that does not have the documented shape; the message names row and column. */
export class ProviderCsvError extends TokenLedgerError {
  constructor(message: string) {
    super('invalid_request', message);
  }
}
