import { describe, expect, it } from 'vitest';
import { applyMarkup, formatCents, formatUsd, markupNanos, roundToCents, usdToNanos } from './money.js';
import { divRoundHalfUp, formatTrimmed, parseScaled } from './decimal.js';

describe('money helpers', () => {
  it('formats nanos at full precision with 9 decimals', () => {
    expect(formatUsd(3_250_000n)).toBe('0.003250000');
    expect(formatUsd(0n)).toBe('0.000000000');
    expect(formatUsd(40_625_000_000n)).toBe('40.625000000');
    expect(formatUsd(-1n)).toBe('-0.000000001');
  });

  it('rounds to cents half away from zero', () => {
    expect(roundToCents(8_125_000_000n)).toBe(813n);
    expect(roundToCents(8_124_999_999n)).toBe(812n);
    expect(roundToCents(-8_125_000_000n)).toBe(-813n);
    expect(roundToCents(4_999_999n)).toBe(0n);
    expect(roundToCents(5_000_000n)).toBe(1n);
    expect(formatCents(4063n)).toBe('40.63');
    expect(formatCents(5n)).toBe('0.05');
    expect(formatCents(-813n)).toBe('-8.13');
  });

  it('reproduces the design.md invoice: 32.50 base, 8.13 markup at 25%, 40.63 total', () => {
    const base = 3_250_000n * 10_000n;
    const markup = markupNanos(base, 25);
    expect(markup).toBe(8_125_000_000n);
    expect(applyMarkup(base, 25)).toBe(40_625_000_000n);
    const lines = [roundToCents(base), roundToCents(markup)];
    expect(lines.map(formatCents)).toEqual(['32.50', '8.13']);
    expect(formatCents(lines[0]! + lines[1]!)).toBe('40.63');
  });

  it('applies fractional markups exactly and rounds only at the nano', () => {
    expect(markupNanos(1_000_000_000n, '12.5')).toBe(125_000_000n);
    expect(markupNanos(1n, 50)).toBe(1n); // 0.5 nano rounds half-up
    expect(markupNanos(1n, 49)).toBe(0n);
    expect(markupNanos(3n, '33.333333')).toBe(1n);
  });

  it('parses decimals without float arithmetic, including exponent forms', () => {
    expect(usdToNanos('0.00325')).toBe(3_250_000n);
    expect(parseScaled(1.25e-7, 15)).toBe(125_000_000n);
    expect(parseScaled('3e-06', 15)).toBe(3_000_000_000n);
    expect(parseScaled(0.0375, 9)).toBe(37_500_000n);
    expect(() => usdToNanos('0.0000000001')).toThrow(/more than 9 decimal places/);
    expect(parseScaled('0.0000000005', 9, 'round')).toBe(1n);
    expect(() => parseScaled('1,5', 9)).toThrow(/not a decimal/);
    expect(formatTrimmed(37_500_000n, 9)).toBe('0.0375');
    expect(formatTrimmed(10_000_000_000n, 9)).toBe('10');
    expect(divRoundHalfUp(-15n, 10n)).toBe(-2n);
  });
});
