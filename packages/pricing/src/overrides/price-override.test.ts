import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load-catalog.js';
import { createPricer } from '../engine/pricer.js';
import { PricingError } from '../errors.js';
import { emptyUsage } from '../usage.js';
import { priceOverrideSchema, type PriceOverride } from './price-override.js';

const usage = { ...emptyUsage, inputTokens: 1_000_000, outputTokens: 1_000_000 };
const at = new Date('2026-09-01T00:00:00Z');
const pricerWith = (overrides: PriceOverride[], azureDeployments?: Record<string, string>) => createPricer(loadCatalog({ overrides, azureDeployments }));

describe('price overrides', () => {
  it('prices a self-hosted model at zero, as a real price', () => {
    const r = pricerWith([{ model: 'llama-3.1-70b-local', provider: 'vllm', input_per_mtok: 0, output_per_mtok: 0 }]).price({ provider: 'vllm', model: 'llama-3.1-70b-local', usage, at });
    expect(r).toMatchObject({ priced: true, totalNanos: 0n, origin: 'override', priceKey: 'override:*:vllm/llama-3.1-70b-local@1970-01-01' });
  });

  it('applies a negotiated per-client rate only to that client', () => {
    const pricer = pricerWith([{ model: 'gpt-4o', provider: 'openai', client: 'acme', input_per_mtok: 2, output_per_mtok: 8 }]);
    const acme = pricer.price({ provider: 'openai', model: 'gpt-4o', usage, at, clientId: 'acme' });
    const other = pricer.price({ provider: 'openai', model: 'gpt-4o', usage, at, clientId: 'globex' });
    expect(acme).toMatchObject({ priced: true, totalNanos: 10_000_000_000n, priceKey: 'override:acme:openai/gpt-4o@1970-01-01' });
    expect(other).toMatchObject({ priced: true, totalNanos: 12_500_000_000n, priceKey: 'openai/gpt-4o@2024-10-02' });
  });

  it('applies a provider-specific override when the call names no provider but the model is that provider\'s', () => {
    const pricer = pricerWith([{ model: 'gpt-4o', provider: 'openai', client: 'acme', input_per_mtok: 2, output_per_mtok: 8 }]);
    expect(pricer.price({ provider: '', model: 'gpt-4o', usage, at, clientId: 'acme' })).toMatchObject({ origin: 'override', provider: 'openai' });
    expect(pricer.price({ provider: 'azure.ai.openai', model: 'gpt-4o', usage, at, clientId: 'acme' })).toMatchObject({ origin: 'catalog', provider: 'azure.ai.openai' });
  });

  it('prefers a client rate over a general override, and both over the catalog', () => {
    const pricer = pricerWith([
      { model: 'ft:gpt-4o-mini:acme::abc123', input_per_mtok: '0.3', output_per_mtok: '1.2', cached_input_per_mtok: '0.15' },
      { model: 'ft:gpt-4o-mini:acme::abc123', client: 'acme', input_per_mtok: '0.25', output_per_mtok: 1 },
    ]);
    const call = (clientId?: string) => pricer.price({ provider: 'openai', model: 'ft:gpt-4o-mini:acme::abc123', usage, at, ...(clientId ? { clientId } : {}) });
    expect(call('acme')).toMatchObject({ totalNanos: 1_250_000_000n });
    expect(call()).toMatchObject({ totalNanos: 1_500_000_000n });
  });

  it('respects effective dates and falls back to the catalog outside them', () => {
    const pricer = pricerWith([{ model: 'o3', provider: 'openai', input_per_mtok: 1, output_per_mtok: 1, effective_from: '2026-01-01', effective_to: '2026-02-01' }]);
    const on = (d: string) => pricer.price({ provider: 'openai', model: 'o3', usage, at: new Date(d) });
    expect(on('2026-01-15T00:00:00Z')).toMatchObject({ totalNanos: 2_000_000_000n, origin: 'override' });
    expect(on('2026-02-01T00:00:00Z')).toMatchObject({ totalNanos: 10_000_000_000n, origin: 'catalog' });
  });

  it('prices an Azure deployment by name, mapped or overridden', () => {
    const mapped = pricerWith([], { 'eu-gpt4o': 'gpt-4o' }).price({ provider: 'azure.ai.openai', model: 'eu-gpt4o', usage, at });
    expect(mapped).toMatchObject({ priced: true, priceKey: 'azure.ai.openai/gpt-4o@2024-08-06' });
    const custom = pricerWith([{ model: 'eu-gpt4o', provider: 'azure', input_per_mtok: 2.75, output_per_mtok: 11 }]).price({ provider: 'az.ai.openai', model: 'EU-GPT4O', usage, at });
    expect(custom).toMatchObject({ totalNanos: 13_750_000_000n, provider: 'azure.ai.openai' });
  });

  it('validates overrides as written in YAML, naming the bad key', () => {
    expect(priceOverrideSchema.safeParse({ model: 'm', input_per_mtok: 1, output_per_mtok: 2, effective_from: new Date('2026-01-01') }).data?.effective_from).toBe('2026-01-01');
    expect(() => loadCatalog({ overrides: [{ model: 'm', input_per_mtok: -1, output_per_mtok: 1 }] })).toThrow(/pricing\.overrides\.0: input_per_mtok/);
    expect(() => loadCatalog({ overrides: [{ model: 'm', input_per_mtok: 1 } as PriceOverride] })).toThrow(PricingError);
    expect(() => loadCatalog({ overrides: [{ model: 'm', input_per_mtok: 1, output_per_mtok: 1, inptu: 2 } as PriceOverride] })).toThrow(/inptu/);
  });
});
