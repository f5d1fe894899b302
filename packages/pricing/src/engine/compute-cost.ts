import type { Rates } from '../catalog/catalog-types.js';
import { divRoundHalfUp } from '../money/decimal.js';
import type { Usage } from '../usage.js';

export interface CostBreakdown {
  /** Uncached input: input - cached - cacheWrite - cacheWrite1h, at the input price. */
  inputNanos: bigint;
  cachedInputNanos: bigint;
  /** 5-minute and 1-hour cache writes, each rounded on its own, then added. */
  cacheWriteNanos: bigint;
  /** Output including reasoning, at the output price. */
  outputNanos: bigint;
}

const FEMTO_PER_NANO = 1_000_000n;
const HALF_NANO = FEMTO_PER_NANO / 2n;

/**
 * tokens x femto-USD/token, rounded half-up to the nano: the one rounding step per bucket. Most
 * calls leave some buckets empty, which need no BigInt at all; a non-negative product (every
 * catalog and override rate is) rounds half-up in one division, the same result as
 * divRoundHalfUp's quotient, remainder and comparison.
 */
function bucket(tokens: number, rate: bigint): bigint {
  if (tokens === 0) return 0n;
  const femtos = BigInt(tokens) * rate;
  return femtos >= 0n ? (femtos + HALF_NANO) / FEMTO_PER_NANO : divRoundHalfUp(femtos, FEMTO_PER_NANO);
}

/** True when the buckets nest as usage.ts defines them (never bill a token twice). */
export function usageIsConsistent(u: Usage): boolean {
  const countable = isCount(u.inputTokens) && isCount(u.cachedInputTokens) && isCount(u.cacheWriteTokens);
  if (!countable || !isCount(u.cacheWrite1hTokens) || !isCount(u.outputTokens) || !isCount(u.reasoningTokens)) return false;
  return u.cachedInputTokens + u.cacheWriteTokens + u.cacheWrite1hTokens <= u.inputTokens && u.reasoningTokens <= u.outputTokens;
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

export function computeCost(u: Usage, r: Rates): CostBreakdown {
  const uncached = u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens - u.cacheWrite1hTokens;
  return {
    inputNanos: bucket(uncached, r.input),
    cachedInputNanos: bucket(u.cachedInputTokens, r.cachedInput),
    cacheWriteNanos: bucket(u.cacheWriteTokens, r.cacheWrite) + bucket(u.cacheWrite1hTokens, r.cacheWrite1h),
    // Reasoning tokens are part of outputTokens and billed as output; never add them again.
    outputNanos: bucket(u.outputTokens, r.output),
  };
}

export function totalOf(b: CostBreakdown): bigint {
  return b.inputNanos + b.cachedInputNanos + b.cacheWriteNanos + b.outputNanos;
}
