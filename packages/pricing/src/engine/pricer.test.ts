import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load-catalog.js';
import { resolveModel } from '../match/resolve-model.js';
import { formatUsd } from '../money/money.js';
import { emptyUsage, type Usage } from '../usage.js';
import { createPricer, type PriceRequest, type PriceResult } from './pricer.js';

const pricer = createPricer(loadCatalog());
const at = new Date('2026-09-01T12:00:00Z');
const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage, ...u });
const price = (req: Partial<PriceRequest> & { model: string }): PriceResult =>
  pricer.price({ provider: 'openai', usage: emptyUsage, at, ...req });
const total = (r: PriceResult) => (r.priced ? r.totalNanos : undefined);

describe('pricing a call', () => {
  it('prices the design.md seed call: gpt-4o, 500 in / 200 out = $0.00325', () => {
    const r = price({ model: 'gpt-4o', usage: usage({ inputTokens: 500, outputTokens: 200 }) });
    expect(r).toEqual({
      priced: true,
      priceKey: 'openai/gpt-4o@2024-10-02',
      provider: 'openai',
      model: 'gpt-4o',
      origin: 'catalog',
      effectiveFrom: '2024-10-02',
      source: 'litellm model_prices_and_context_window.json 2026-07-24 "gpt-4o"; cache-read prices of tiers without one scaled from the base by the input ratio',
      rates: { input: 2_500_000_000n, cachedInput: 1_250_000_000n, cacheWrite: 2_500_000_000n, cacheWrite1h: 2_500_000_000n, output: 10_000_000_000n },
      breakdown: { inputNanos: 1_250_000n, cachedInputNanos: 0n, cacheWriteNanos: 0n, outputNanos: 2_000_000n },
      totalNanos: 3_250_000n,
      tier: 'standard',
    });
    expect(formatUsd(total(r)!)).toBe('0.003250000');
  });

  it('bills cached input once, at the cache-read price, out of the input count', () => {
    const r = price({ model: 'gpt-4o', usage: usage({ inputTokens: 2000, cachedInputTokens: 1500, outputTokens: 300 }) });
    expect(r.priced && r.breakdown).toEqual({ inputNanos: 1_250_000n, cachedInputNanos: 1_875_000n, cacheWriteNanos: 0n, outputNanos: 3_000_000n });
  });

  it('bills reasoning as output, never on top of it', () => {
    const r = price({ model: 'o3', usage: usage({ inputTokens: 1000, outputTokens: 5000, reasoningTokens: 4000 }) });
    expect(r.priced && r.breakdown.outputNanos).toBe(40_000_000n);
    expect(total(r)).toBe(42_000_000n);
  });

  it('prices 5-minute and 1-hour cache writes at their own rates', () => {
    const r = price({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      usage: usage({ inputTokens: 13_100, cachedInputTokens: 10_000, cacheWriteTokens: 2000, cacheWrite1hTokens: 1000, outputTokens: 500 }),
    });
    expect(r.priced && r.breakdown).toEqual({ inputNanos: 300_000n, cachedInputNanos: 3_000_000n, cacheWriteNanos: 13_500_000n, outputNanos: 7_500_000n });
  });

  it('prices embeddings by input tokens', () => {
    expect(total(price({ model: 'text-embedding-3-small', usage: usage({ inputTokens: 1000 }) }))).toBe(20_000n);
  });
});

describe('price history', () => {
  const o3 = (when: string) => price({ model: 'o3', at: new Date(when), usage: usage({ inputTokens: 1000, outputTokens: 5000, reasoningTokens: 4000 }) });

  it('prices o3 at $10/$40 before the 2025-06-10 cut and $2/$8 from that day', () => {
    expect(total(o3('2025-06-09T23:59:59.999Z'))).toBe(210_000_000n);
    expect(total(o3('2025-06-10T00:00:00Z'))).toBe(42_000_000n);
    const before = o3('2025-05-01T00:00:00Z');
    expect(before.priced && before.priceKey).toBe('openai/o3@2025-04-16');
  });

  it('reports no_price_at_date before a model had any price', () => {
    expect(o3('2025-01-01T00:00:00Z')).toEqual({ priced: false, reason: 'no_price_at_date', provider: 'openai', model: 'o3' });
  });

  it('prices gpt-4o at its $5/$15 launch price before 2024-10-02', () => {
    expect(total(price({ model: 'gpt-4o', at: new Date('2024-06-01T00:00:00Z'), usage: usage({ inputTokens: 500, outputTokens: 200 }) }))).toBe(5_500_000n);
  });
});

describe('long-context tiers re-price the whole request', () => {
  it('Claude Sonnet 4.5 above 200k input tokens (cache reads count toward the threshold)', () => {
    const u = usage({ inputTokens: 250_000, cachedInputTokens: 100_000, outputTokens: 1000 });
    const r = price({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', usage: u });
    expect(r.priced && r.breakdown).toEqual({ inputNanos: 900_000_000n, cachedInputNanos: 60_000_000n, cacheWriteNanos: 0n, outputNanos: 22_500_000n });
    expect(r.priced && r.longContextAbove).toBe(200_000);
  });

  it('stays on the base band at exactly the threshold', () => {
    const r = price({ provider: 'anthropic', model: 'claude-sonnet-4-5', usage: usage({ inputTokens: 200_000, outputTokens: 1000 }) });
    expect(total(r)).toBe(615_000_000n);
    expect(r.priced && r.longContextAbove).toBeUndefined();
  });

  it('Gemini 2.5 Pro above 200k, and Gemini 1.5 Flash above 128k', () => {
    const pro = price({ provider: 'gcp.gemini', model: 'gemini-2.5-pro', usage: usage({ inputTokens: 300_000, cachedInputTokens: 100_000, outputTokens: 5000, reasoningTokens: 3000 }) });
    expect(pro.priced && pro.breakdown).toEqual({ inputNanos: 500_000_000n, cachedInputNanos: 25_000_000n, cacheWriteNanos: 0n, outputNanos: 75_000_000n });
    const flash = price({ provider: 'gcp.gemini', model: 'gemini-1.5-flash', at: new Date('2025-01-01'), usage: usage({ inputTokens: 130_000, outputTokens: 1000 }) });
    expect(total(flash)).toBe(19_500_000n + 600_000n);
  });

  it('GPT-5.4 above 272k', () => {
    const r = price({ model: 'gpt-5.4', usage: usage({ inputTokens: 300_000, outputTokens: 1000 }) });
    expect(total(r)).toBe(1_500_000_000n + 22_500_000n);
  });
});

describe('service tiers', () => {
  const u = usage({ inputTokens: 1000, outputTokens: 1000 });
  it('uses listed batch prices, or the batch discount', () => {
    const oai = price({ model: 'gpt-4o', usage: u, serviceTier: 'batch' });
    expect([total(oai), oai.priced && oai.tier]).toEqual([6_250_000n, 'batch']);
    expect(total(price({ provider: 'anthropic', model: 'claude-sonnet-4-5', usage: u, serviceTier: 'batch' }))).toBe(9_000_000n);
  });

  it('keeps the cache-read discount in a tier that lists no cache-read price', () => {
    const r = price({ model: 'gpt-4o', usage: usage({ inputTokens: 1000, cachedInputTokens: 800 }), serviceTier: 'batch' });
    expect(r.priced && [r.breakdown.inputNanos, r.breakdown.cachedInputNanos]).toEqual([250_000n, 500_000n]);
    const files = [{ provider: 'openai', models: [{ id: 'm', prices: [{ effective_from: '2020-01-01', source: 't', input: 2, cached_input: 0.5, output: 8, flex: { input: 1, output: 4 } }] }] }];
    const flex = createPricer(loadCatalog({ files })).price({ provider: 'openai', model: 'm', at, usage: usage({ inputTokens: 1000, cachedInputTokens: 1000 }), serviceTier: 'flex' });
    expect(flex.priced && flex.breakdown.cachedInputNanos).toBe(250_000n);
  });

  it('uses OpenAI priority and flex prices when the call says so', () => {
    expect(total(price({ model: 'o3', usage: u, serviceTier: 'priority' }))).toBe(17_500_000n);
    expect(total(price({ model: 'o3', usage: u, serviceTier: 'flex' }))).toBe(5_000_000n);
  });

  it('bills standard, and says so, when a model has no such tier', () => {
    const r = price({ provider: 'anthropic', model: 'claude-sonnet-4-5', usage: u, serviceTier: 'flex' });
    expect([total(r), r.priced && r.tier]).toEqual([18_000_000n, 'standard']);
  });
});

describe('rounding', () => {
  it('rounds each bucket half-up to the nano ($0.0375/1M input is 37.5 nano-USD a token)', () => {
    const r7b = (inputTokens: number, outputTokens: number) =>
      price({ provider: 'cohere', model: 'command-r7b-12-2024', usage: usage({ inputTokens, outputTokens }) });
    expect(total(r7b(1, 0))).toBe(38n); // 37.5 nanos, half-up
    expect(total(r7b(2, 0))).toBe(75n);
    expect(total(r7b(3, 0))).toBe(113n); // 112.5 nanos
    expect(total(r7b(1_000_001, 1))).toBe(37_500_038n + 150n);
  });

  it('rounds buckets separately, so the total is the sum of the parts', () => {
    const halfNano = { effective_from: '2020-01-01', source: 'test', input: '0.0005', cached_input: '0.0005', output: '0.0005' };
    const tiny = createPricer(loadCatalog({ files: [{ provider: 'openai', models: [{ id: 'tiny', prices: [halfNano] }] }] }));
    const r = tiny.price({ provider: 'openai', model: 'tiny', at, usage: usage({ inputTokens: 2, cachedInputTokens: 1, outputTokens: 1 }) });
    // 0.5 + 0.5 + 0.5 nanos: each bucket rounds to 1, so 3 (not round(1.5) = 2).
    expect(r.priced && [r.breakdown.inputNanos, r.breakdown.cachedInputNanos, r.breakdown.outputNanos, r.totalNanos]).toEqual([1n, 1n, 1n, 3n]);
  });
});

describe('unpriced calls', () => {
  it('never guesses a price for an unknown model or host', () => {
    expect(price({ model: 'my-private-model', usage: usage({ inputTokens: 10 }) })).toEqual({ priced: false, reason: 'unknown_model', provider: 'openai', model: 'my-private-model' });
    expect(price({ provider: 'openrouter', model: 'gpt-4o' })).toMatchObject({ priced: false, reason: 'unknown_model' });
  });

  it('refuses usage whose buckets do not nest', () => {
    expect(price({ model: 'gpt-4o', usage: usage({ inputTokens: 10, cachedInputTokens: 11 }) })).toMatchObject({ priced: false, reason: 'invalid_usage' });
    expect(price({ model: 'gpt-4o', usage: usage({ outputTokens: 1, reasoningTokens: 2 }) })).toMatchObject({ priced: false, reason: 'invalid_usage' });
    expect(price({ model: 'gpt-4o', usage: usage({ inputTokens: 1.5 }) })).toMatchObject({ priced: false, reason: 'invalid_usage' });
  });
});

describe('the resolution cache', () => {
  it('keeps one model name on many hosts apart, past the hosts it remembers per name', () => {
    const catalog = loadCatalog();
    const cached = createPricer(catalog, { cacheSize: 2 });
    const hosts = ['openai', 'azure.ai.openai', '', 'groq', 'x_ai', 'cohere', 'deepseek', 'mistral_ai', 'anthropic', 'gcp.gemini', 'self-hosted', 'openai'];
    for (const round of [1, 2]) {
      for (const model of ['gpt-4o', 'claude-sonnet-4-5', 'gemini-2.5-flash']) {
        for (const provider of hosts) expect(cached.resolve(provider, model), `${provider} ${model} round ${round}`).toEqual(resolveModel(catalog, provider, model));
      }
    }
  });
});
