import { describe, expect, it } from 'vitest';
import { nanosToUsd, usdToNanos } from './usd.js';

describe('usd', () => {
  it('parses decimal strings exactly to nano-USD', () => {
    expect(usdToNanos('500')).toBe(500_000_000_000n);
    expect(usdToNanos('0.003250000')).toBe(3_250_000n);
    expect(usdToNanos('-20.5')).toBe(-20_500_000_000n);
    expect(usdToNanos('0.1234567891')).toBe(123_456_789n);
    expect(usdToNanos('9007199254740993.000000001')).toBe(9_007_199_254_740_993_000_000_001n);
  });

  it('rejects what is not a decimal amount', () => {
    for (const bad of ['', '1e3', '0x10', '$5', '1.2.3', 'NaN']) expect(() => usdToNanos(bad)).toThrow(TypeError);
  });

  it('formats nano-USD at full precision', () => {
    expect(nanosToUsd(10_000_000n)).toBe('0.010000000');
    expect(nanosToUsd(-20_500_000_000n)).toBe('-20.500000000');
    expect(nanosToUsd(0n)).toBe('0.000000000');
  });
});
