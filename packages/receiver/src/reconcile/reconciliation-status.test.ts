import { describe, expect, it } from 'vitest';
import { formatPct, rowDrift } from './reconciliation-status.js';

const M = 1_000_000n;

describe('rowDrift', () => {
  it('matches at or below tolerance_pct on the 2-decimal drift_pct, beyond it says which side is short', () => {
    expect(rowDrift(100n * M, 98n * M, 5, 2)).toEqual({ drift_nanos: 2n * M, drift_bp: 200n, status: 'match' });
    expect(rowDrift(100n * M, 97_995_000n, 5, 2)).toEqual({ drift_nanos: 2_005_000n, drift_bp: 201n, status: 'under_tracked' }); // 2.005 rounds half-up to 2.01
    expect(rowDrift(100n * M, 97_996_000n - 1_000n, 5, 2).status).toBe('under_tracked');
    expect(rowDrift(100n * M, 102_004_999n, 5, 2)).toEqual({ drift_nanos: -2_004_999n, drift_bp: -200n, status: 'match' });
    expect(rowDrift(100n * M, 103n * M, 5, 2)).toEqual({ drift_nanos: -3n * M, drift_bp: -300n, status: 'over_tracked' });
  });

  it('provider_only when nothing was tracked, no_provider_data when the provider said nothing', () => {
    expect(rowDrift(7n * M, 0n, 0, 2)).toEqual({ drift_nanos: 7n * M, drift_bp: 10_000n, status: 'provider_only' });
    expect(rowDrift(null, 3n * M, 2, 2)).toEqual({ drift_nanos: null, drift_bp: null, status: 'no_provider_data' });
  });

  it('a provider cost of 0 has no percentage: tracked 0 matches, anything tracked is over', () => {
    expect(rowDrift(0n, 0n, 3, 2)).toEqual({ drift_nanos: 0n, drift_bp: null, status: 'match' });
    expect(rowDrift(0n, 5n, 1, 2)).toEqual({ drift_nanos: -5n, drift_bp: null, status: 'over_tracked' });
  });

  it('formats hundredths of a percent with 2 decimals', () => {
    expect([formatPct(376n), formatPct(-376n), formatPct(0n), formatPct(10_000n)]).toEqual(['3.76', '-3.76', '0.00', '100.00']);
  });
});
