import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load-catalog.js';
import { formatCents, formatUsd, roundToCents } from '../money/money.js';
import { emptyUsage, type Usage } from '../usage.js';
import { createPricer, type PriceRequest } from './pricer.js';

const pricer = createPricer(loadCatalog());
const at = new Date('2026-09-01T00:00:00Z');
const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage, ...u });

function sum(calls: number, req: (i: number) => PriceRequest): bigint {
  let total = 0n;
  for (let i = 0; i < calls; i++) {
    const r = pricer.price(req(i));
    if (!r.priced) throw new Error(r.reason);
    total += r.totalNanos;
  }
  return total;
}

describe('exact sums', () => {
  it('adds a million mixed calls to the nano, with no drift', () => {
    const mix: PriceRequest[] = [
      { provider: 'openai', model: 'gpt-4o', at, usage: usage({ inputTokens: 500, outputTokens: 200 }) }, // 3,250,000
      { provider: 'cohere', model: 'command-r7b-12-2024', at, usage: usage({ inputTokens: 1, outputTokens: 1 }) }, // 38 + 150
      { provider: 'gcp.gemini', model: 'gemini-2.0-flash-lite', at, usage: usage({ inputTokens: 3, cachedInputTokens: 1, outputTokens: 7 }) }, // 150 + 19 + 2,100
      { provider: 'anthropic', model: 'claude-haiku-4-5', at, usage: usage({ inputTokens: 1234, cachedInputTokens: 1000, cacheWriteTokens: 200, outputTokens: 77 }) }, // 34,000 + 100,000 + 250,000 + 385,000
    ];
    const perCycle = 3_250_000n + 188n + 2_269n + 769_000n;
    const total = sum(1_000_000, (i) => mix[i % 4]!);
    expect(total).toBe(perCycle * 250_000n);
    expect(formatUsd(total)).toBe('1005.364250000');
  });

  it('reproduces the design.md invoice line: 10,000 gpt-4o calls of 500 in / 200 out = 32.50', () => {
    const total = sum(10_000, () => ({ provider: 'openai', model: 'gpt-4o', at, usage: usage({ inputTokens: 500, outputTokens: 200 }) }));
    expect(total).toBe(32_500_000_000n);
    expect(formatCents(roundToCents(total))).toBe('32.50');
  });
});
