import { describe, expect, it } from 'vitest';
import { usdToNanos } from './usd-nanos.js';

describe('usdToNanos', () => {
  it('converts float USD exactly from its decimal text', () => {
    expect(usdToNanos(0.00325)).toBe(3_250_000n);
    expect(usdToNanos(0.1 + 0.2)).toBe(300_000_000n);
    expect(usdToNanos(12)).toBe(12_000_000_000n);
    expect(usdToNanos(0)).toBe(0n);
  });

  it('reads exponent forms and decimal strings', () => {
    expect(usdToNanos(1e-7)).toBe(100n);
    expect(usdToNanos(2.5e-10)).toBe(0n);
    expect(usdToNanos(5e-10)).toBe(1n);
    expect(usdToNanos('0.000001234')).toBe(1_234n);
    expect(usdToNanos('1.5E+2')).toBe(150_000_000_000n);
  });

  it('rounds half-up below a nano-dollar', () => {
    expect(usdToNanos('0.0000000014')).toBe(1n);
    expect(usdToNanos('0.0000000015')).toBe(2n);
  });

  it('refuses negative, non-finite, absurd and non-numeric values', () => {
    expect(usdToNanos(-0.5)).toBeNull();
    expect(usdToNanos(Number.NaN)).toBeNull();
    expect(usdToNanos(Number.POSITIVE_INFINITY)).toBeNull();
    expect(usdToNanos(1e300)).toBeNull();
    expect(usdToNanos('12 USD')).toBeNull();
    expect(usdToNanos(true)).toBeNull();
    expect(usdToNanos(null)).toBeNull();
  });
});
