import { describe, expect, it } from 'vitest';
import { USD } from '../billing/invoice-currency.js';
import { centsText, invoiceCurrency, invoiceText, usdText } from './portal-money.js';

describe('money on portal pages', () => {
  it('rounds a full-precision USD figure half-up to cents once, grouped by thousands', () => {
    expect(usdText('1234567.005000000', USD)).toBe('$1,234,567.01');
    expect(usdText('0.004999999', USD)).toBe('< $0.01');
    expect(usdText('0.000000000', USD)).toBe('$0.00');
    expect(usdText('-2.185000000', USD)).toBe('-$2.19');
  });

  it('converts to the invoice currency exactly before rounding (0.92 EUR per USD)', () => {
    const eur = invoiceCurrency({ currency: 'EUR', exchange_rate: '0.920000' });
    // 2.25 USD x 0.92 = 2.07 EUR; 0.005 USD x 0.92 = 0.0046 EUR rounds to nothing: "< €0.01".
    expect(usdText('2.250000000', eur)).toBe('€2.07');
    expect(usdText('0.005000000', eur)).toBe('< €0.01');
    expect(usdText('0.016304348', eur)).toBe('€0.02');
  });

  it('shows invoice cents as they are, with a symbol or the ISO code', () => {
    expect(invoiceText('40.63', 'USD')).toBe('$40.63');
    expect(invoiceText('1000.00', 'GBP')).toBe('£1,000.00');
    expect(centsText(123456n, 'CHF')).toBe('CHF 1,234.56');
    expect(centsText(-5n, 'EUR')).toBe('-€0.05');
  });
});
