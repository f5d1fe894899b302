import { describe, expect, it } from 'vitest';
import { costPerUnitUsd } from './usage-report.js';

describe('costPerUnitUsd', () => {
  it('divides exactly and rounds half-up to the nano-USD', () => {
    expect(costPerUnitUsd(20_750_000n, 3)).toBe('0.006916667'); // 6,916,666.67 -> up
    expect(costPerUnitUsd(17_500_000n, 3)).toBe('0.005833333'); // 5,833,333.33 -> down
    expect(costPerUnitUsd(5n, 2)).toBe('0.000000003'); // 2.5 -> half away from zero
    expect(costPerUnitUsd(9_007_199_254_740_993n, 1)).toBe('9007199.254740993'); // past 2^53, still exact
  });

  it('has no cost per unit without units', () => {
    expect(costPerUnitUsd(3_250_000n, 0)).toBeNull();
  });
});
