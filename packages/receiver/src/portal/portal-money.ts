import { formatCents, parseScaled, roundToCents } from '@tokenledger/pricing';
import { convertNanos, type InvoiceCurrency } from '../billing/invoice-currency.js';

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£' };

/** An invoice's currency, as its JSON states it (code and units per 1 USD). */
export function invoiceCurrency(invoice: { currency: string; exchange_rate: string }): InvoiceCurrency {
  return { code: invoice.currency, rateMicros: parseScaled(invoice.exchange_rate, 6, 'exact') };
}

/** Cents as shown on the page: `$1,234.56`, `-€0.50`, `CHF 12.00`. */
export function centsText(cents: bigint, code: string): string {
  const [whole, fraction] = formatCents(cents < 0n ? -cents : cents).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = SYMBOLS[code];
  const amount = symbol ? `${symbol}${grouped}.${fraction}` : `${code} ${grouped}.${fraction}`;
  return cents < 0n ? `-${amount}` : amount;
}

/**
 * A full-precision USD figure of the API ("0.003250000") in the client's currency: converted
 * exactly (billing/invoice-currency.ts), then rounded half-up to cents once. A cost that rounds to
 * nothing but is not nothing reads "< $0.01", never "$0.00".
 */
export function usdText(usd: string, currency: InvoiceCurrency): string {
  const nanos = convertNanos(parseScaled(usd, 9, 'exact'), currency);
  const cents = roundToCents(nanos);
  if (cents === 0n && nanos !== 0n) return `< ${centsText(nanos > 0n ? 1n : -1n, currency.code)}`;
  return centsText(cents, currency.code);
}

/** A cents figure of an invoice ("40.63"), already in its currency. */
export function invoiceText(amount: string, code: string): string {
  return centsText(parseScaled(amount, 2, 'exact'), code);
}

/**
 * Billed less cost, in cents of the invoice's figures (`total` and `base_cost`, or their `_usd`
 * twins): the markup under cost plus, the fee and overage beyond cost under a retainer, the
 * units' price beyond their cost per unit. Negative when a plan bills less than the AI cost.
 */
export function marginCents(total: string, cost: string): bigint {
  return parseScaled(total, 2, 'exact') - parseScaled(cost, 2, 'exact');
}
