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

/** tokens x femto-USD/token, rounded half-up to the nano: the one rounding step per bucket. */
function bucket(tokens: number, rate: bigint): bigint {
  return divRoundHalfUp(BigInt(tokens) * rate, FEMTO_PER_NANO);
}

/** True when the buckets nest as usage.ts defines them (never bill a token twice). */
export function usageIsConsistent(u: Usage): boolean {
  const counts = [u.inputTokens, u.cachedInputTokens, u.cacheWriteTokens, u.cacheWrite1hTokens, u.outputTokens, u.reasoningTokens];
  if (!counts.every((n) => Number.isSafeInteger(n) && n >= 0)) return false;
  return u.cachedInputTokens + u.cacheWriteTokens + u.cacheWrite1hTokens <= u.inputTokens && u.reasoningTokens <= u.outputTokens;
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
