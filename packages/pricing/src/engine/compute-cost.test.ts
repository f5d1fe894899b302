import { describe, expect, it } from 'vitest';
import { prng } from '../../../../test/support/seeded-random.js';
import type { Rates } from '../catalog/catalog-types.js';
import { divRoundHalfUp } from '../money/decimal.js';
import type { Usage } from '../usage.js';
import { computeCost, type CostBreakdown } from './compute-cost.js';

/** The breakdown as divRoundHalfUp gives it, bucket by bucket: what computeCost's one division must equal. */
function reference(u: Usage, r: Rates): CostBreakdown {
  const bucket = (tokens: number, rate: bigint) => divRoundHalfUp(BigInt(tokens) * rate, 1_000_000n);
  return {
    inputNanos: bucket(u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens - u.cacheWrite1hTokens, r.input),
    cachedInputNanos: bucket(u.cachedInputTokens, r.cachedInput),
    cacheWriteNanos: bucket(u.cacheWriteTokens, r.cacheWrite) + bucket(u.cacheWrite1hTokens, r.cacheWrite1h),
    outputNanos: bucket(u.outputTokens, r.output),
  };
}

const text = (b: CostBreakdown) => `${b.inputNanos} ${b.cachedInputNanos} ${b.cacheWriteNanos} ${b.outputNanos}`;

describe('computeCost', () => {
  it('rounds each bucket half-up exactly as divRoundHalfUp does, empty buckets and half-nano ties included', () => {
    const rand = prng(0xc057);
    const count = () => (rand() < 0.3 ? 0 : Math.floor(rand() ** 3 * 100_000_000));
    // Femto-USD rates: round ones, ones that land on exactly half a nano, and arbitrary ones.
    const rate = () => [0n, 500_000n, 1_500_000n, 2_500_000_000n, BigInt(Math.floor(rand() * 1e12))][Math.floor(rand() * 5)]!;
    const differ: unknown[] = [];
    for (let i = 0; i < 50_000; i++) {
      const [cached, written, written1h, output] = [count(), count(), count(), count()];
      const u: Usage = { inputTokens: cached + written + written1h + count(), cachedInputTokens: cached, cacheWriteTokens: written, cacheWrite1hTokens: written1h, outputTokens: output, reasoningTokens: 0 };
      const r: Rates = { input: rate(), cachedInput: rate(), cacheWrite: rate(), cacheWrite1h: rate(), output: rate() };
      if (text(computeCost(u, r)) !== text(reference(u, r))) differ.push([u, r]);
    }
    expect(differ).toEqual([]);
  });

  it('rounds a half nano up: 1 token at 500,000 femto-USD is 1 nano-USD, at 499,999 it is 0', () => {
    const one = { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 };
    const rates = (input: bigint): Rates => ({ input, cachedInput: 0n, cacheWrite: 0n, cacheWrite1h: 0n, output: 0n });
    expect(computeCost(one, rates(500_000n)).inputNanos).toBe(1n);
    expect(computeCost(one, rates(499_999n)).inputNanos).toBe(0n);
  });
});
