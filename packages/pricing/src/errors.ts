/**
 * Errors raised by @tokenledger/pricing, each with a stable `code` (the same shape as the
 * receiver's TokenLedgerError, without depending on it: pricing is a leaf package).
 */
export class PricingError extends Error {
  constructor(
    readonly code: 'catalog_invalid' | 'override_invalid' | 'import_invalid' | 'decimal_invalid',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
