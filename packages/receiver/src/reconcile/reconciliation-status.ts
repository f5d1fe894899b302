import { divRoundHalfUp, formatScaled, parseScaled } from '@tokenledger/pricing';

export type ReconcileStatus = 'match' | 'under_tracked' | 'over_tracked' | 'provider_only' | 'no_provider_data';

export interface Drift {
  drift_nanos: bigint | null;
  /** drift / provider cost in hundredths of a percent, rounded half away from zero; null when undefined. */
  drift_bp: bigint | null;
  status: ReconcileStatus;
}

/** A decimal percentage string with 2 decimals: 1234n -> "12.34". */
export const formatPct = (bp: bigint) => formatScaled(bp, 2);

/**
 * Drift and status of one row (design.md "Reconciliation"): drift = provider - tracked,
 * drift_pct = drift / provider x 100 rounded half-up to 2 decimals, and a match is
 * |drift_pct| (as shown, 2 decimals) at or below tolerance_pct. A provider cost of 0 has no
 * percentage: it matches only when tracked is 0 too.
 */
export function rowDrift(provider: bigint | null, tracked: bigint, trackedCalls: number, tolerancePct: number): Drift {
  if (provider === null) return { drift_nanos: null, drift_bp: null, status: 'no_provider_data' };
  const drift = provider - tracked;
  const bp = provider === 0n ? null : provider > 0n ? divRoundHalfUp(drift * 10_000n, provider) : divRoundHalfUp(-drift * 10_000n, -provider);
  if (trackedCalls === 0) return { drift_nanos: drift, drift_bp: bp, status: 'provider_only' };
  const tolerance = parseScaled(tolerancePct, 2, 'round');
  const within = bp === null ? drift === 0n : (bp < 0n ? -bp : bp) <= tolerance;
  if (within) return { drift_nanos: drift, drift_bp: bp, status: 'match' };
  return { drift_nanos: drift, drift_bp: bp, status: drift > 0n ? 'under_tracked' : 'over_tracked' };
}
