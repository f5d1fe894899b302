import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load-catalog.js';
import { createPricer } from '../engine/pricer.js';
import { PricingError } from '../errors.js';
import { emptyUsage } from '../usage.js';
import { diffCatalogs } from './catalog-diff.js';
import { importLiteLLM } from './litellm-import.js';

// A small file in LiteLLM's model_prices_and_context_window.json format (USD per token).
const fixture = JSON.stringify({
  sample_spec: { input_cost_per_token: 0, litellm_provider: 'one of https://docs.litellm.ai/docs/providers' },
  'gpt-4o': {
    litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5, cache_read_input_token_cost: 1.25e-6,
    input_cost_per_token_batches: 1.25e-6, output_cost_per_token_batches: 5e-6, input_cost_per_token_priority: 4.25e-6, output_cost_per_token_priority: 1.7e-5,
  },
  'o3': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1.5e-6, output_cost_per_token: 6e-6, input_cost_per_token_priority: 2.5e-6 },
  'gpt-9-new': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 3.75e-8, output_cost_per_token: 1.5e-7 },
  'claude-sonnet-4-5': {
    litellm_provider: 'anthropic', mode: 'chat', input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5, cache_read_input_token_cost: 3e-7,
    cache_creation_input_token_cost: 3.75e-6, cache_creation_input_token_cost_above_1hr: 6e-6,
    input_cost_per_token_above_200k_tokens: 6e-6, output_cost_per_token_above_200k_tokens: 2.25e-5, cache_read_input_token_cost_above_200k_tokens: 6e-7,
    cache_creation_input_token_cost_above_200k_tokens: 7.5e-6,
  },
  'gemini/gemini-2.5-flash': { litellm_provider: 'gemini', mode: 'chat', input_cost_per_token: 3e-7, output_cost_per_token: 2.5e-6, cache_read_input_token_cost: 3e-8 },
  'text-embedding-3-small': { litellm_provider: 'openai', mode: 'embedding', input_cost_per_token: 2e-8, output_cost_per_token: 0 },
  'dall-e-3': { litellm_provider: 'openai', mode: 'image_generation', output_cost_per_image: 0.04 },
  'bedrock/us-east-1/anthropic.claude-v2:1': { litellm_provider: 'bedrock', mode: 'chat', input_cost_per_token: 8e-6, output_cost_per_token: 2.4e-5 },
  'together_ai/llama': { litellm_provider: 'together_ai', mode: 'chat', input_cost_per_token: 1e-7, output_cost_per_token: 1e-7 },
});

describe('LiteLLM importer', () => {
  const imported = importLiteLLM(fixture, { effectiveFrom: '2026-07-24', source: 'test fixture' });

  it('converts USD-per-token prices to exact per-1M catalog entries, tiers included', () => {
    const openai = imported.files.find((f) => f.provider === 'openai')!;
    expect(openai.models.find((m) => m.id === 'gpt-4o')).toEqual({
      id: 'gpt-4o',
      prices: [{
        effective_from: '2026-07-24', source: 'test fixture "gpt-4o"', input: '2.5', output: '10', cached_input: '1.25',
        batch: { input: '1.25', output: '5' }, priority: { input: '4.25', output: '17' },
      }],
    });
    expect(openai.models.find((m) => m.id === 'gpt-9-new')!.prices[0]).toMatchObject({ input: '0.0375', output: '0.15' });
    // A priority input price with no priority output price is a gap, not a free tier: dropped.
    expect(openai.models.find((m) => m.id === 'o3')!.prices[0]!.priority).toBeUndefined();
    expect(openai.models.find((m) => m.id === 'text-embedding-3-small')).toMatchObject({ kind: 'embedding' });
    const sonnet = imported.files.find((f) => f.provider === 'anthropic')!.models[0]!;
    expect(sonnet.prices[0]).toMatchObject({ cache_write: '3.75', cache_write_1h: '6', long_context: [{ above_input_tokens: 200_000, input: '6', output: '22.5', cached_input: '0.6', cache_write: '7.5' }] });
    expect(imported.files.find((f) => f.provider === 'gcp.gemini')!.models[0]!.id).toBe('gemini-2.5-flash');
  });

  it('skips what it cannot price per token, and says why', () => {
    expect(imported.skipped).toEqual([
      { key: 'dall-e-3', reason: 'mode image_generation' },
      { key: 'bedrock/us-east-1/anthropic.claude-v2:1', reason: 'regional or commitment price' },
      { key: 'together_ai/llama', reason: 'provider together_ai' },
    ]);
  });

  it('produces a catalog the engine loads and prices from', () => {
    const pricer = createPricer(loadCatalog({ files: imported.files }));
    const r = pricer.price({ provider: 'openai', model: 'gpt-4o', at: new Date('2026-08-01'), usage: { ...emptyUsage, inputTokens: 500, outputTokens: 200 } });
    expect(r).toMatchObject({ priced: true, totalNanos: 3_250_000n, priceKey: 'openai/gpt-4o@2026-07-24' });
  });

  it('rejects input that is not a JSON object', () => {
    expect(() => importLiteLLM('{', { effectiveFrom: '2026-01-01' })).toThrow(PricingError);
    expect(() => importLiteLLM('[1]', { effectiveFrom: '2026-01-01' })).toThrow(/keyed by model/);
  });
});

describe('catalog diff', () => {
  it('lists added, changed and removed prices against the built-in catalog', () => {
    const incoming = loadCatalog({ files: importLiteLLM(fixture, { effectiveFrom: '2026-07-24' }).files });
    const diff = diffCatalogs(loadCatalog(), incoming);
    expect(diff.added).toEqual([{ provider: 'openai', model: 'gpt-9-new', input: '0.0375', output: '0.15' }]);
    expect(diff.changed).toEqual([
      { provider: 'openai', model: 'o3', field: 'input', from: '2', to: '1.5' },
      { provider: 'openai', model: 'o3', field: 'cached_input', from: '0.5', to: '1.5' },
      { provider: 'openai', model: 'o3', field: 'output', from: '8', to: '6' },
    ]);
    expect(diff.removed).toContainEqual({ provider: 'openai', model: 'gpt-4.1' });
    expect(diff.removed).toContainEqual({ provider: 'anthropic', model: 'claude-opus-4-7' });
    expect(diff.removed.some((r) => r.provider === 'aws.bedrock')).toBe(false);
    expect(diff.removed.some((r) => r.model === 'gpt-4o' || r.model === 'claude-sonnet-4-5-20250929')).toBe(false);
  });
});
