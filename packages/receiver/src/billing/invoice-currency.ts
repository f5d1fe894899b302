import { divRoundHalfUp, formatScaled } from '@tokenledger/pricing';

/** The currency an invoice is issued in, at a fixed rate set in tokenledger.yaml. */
export interface InvoiceCurrency {
  /** ISO 4217 code. */
  code: string;
  /** Units of this currency per 1 USD, in millionths (0.92 = 920_000n). */
  rateMicros: bigint;
}

export const USD: InvoiceCurrency = { code: 'USD', rateMicros: 1_000_000n };

/**
 * Exact USD nanos to nanos of the invoice currency, rounded half-up to the nano. Conversion
 * comes before any rounding to cents, so each invoice line is still rounded once, in the
 * currency it is shown in.
 */
export function convertNanos(nanos: bigint, currency: InvoiceCurrency): bigint {
  return currency.rateMicros === 1_000_000n ? nanos : divRoundHalfUp(nanos * currency.rateMicros, 1_000_000n);
}

export function formatRate(currency: InvoiceCurrency): string {
  return formatScaled(currency.rateMicros, 6);
}
