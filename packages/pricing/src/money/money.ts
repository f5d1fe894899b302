import { divRoundHalfUp, formatScaled, parseScaled } from './decimal.js';

/** Money is integer nano-USD (1e-9 USD) everywhere; see docs/pricing.md "Rounding". */
export const NANOS_PER_USD = 1_000_000_000n;
const NANOS_PER_CENT = 10_000_000n;

/** Full-precision USD string, 9 decimals, as stored per call: 3_250_000n -> "0.003250000". */
export function formatUsd(nanos: bigint): string {
  return formatScaled(nanos, 9);
}

/** Parses a USD decimal ("0.00325", 12.5) into nanos; finer than a nano is an error. */
export function usdToNanos(usd: string | number): bigint {
  return parseScaled(usd, 9, 'exact');
}

/**
 * Rounds nanos to whole cents, half away from zero (the invoice rule in design.md "Money"):
 * 8_125_000_000n -> 813n. Returns cents, not nanos.
 */
export function roundToCents(nanos: bigint): bigint {
  return divRoundHalfUp(nanos, NANOS_PER_CENT);
}

/** Formats cents as a USD amount with two decimals: 4063n -> "40.63". */
export function formatCents(cents: bigint): string {
  return formatScaled(cents, 2);
}

/**
 * The markup amount on an exact base cost, half-up to the nano. `pct` is a decimal percentage
 * with at most 6 decimals (25, "12.5"). 32.5 USD at 25% -> 8.125 USD exactly.
 */
export function markupNanos(nanos: bigint, pct: number | string): bigint {
  const pctMicros = parseScaled(pct, 6, 'exact');
  return divRoundHalfUp(nanos * pctMicros, 100_000_000n);
}

/**
 * Base cost plus markup, exact to the nano: applyMarkup(32.5 USD, 25) = 40.625 USD. Invoices
 * round the base line and the markup line each to cents and sum the rounded lines (design.md).
 */
export function applyMarkup(nanos: bigint, pct: number | string): bigint {
  return nanos + markupNanos(nanos, pct);
}
