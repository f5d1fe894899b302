import { describe, expect, it } from 'vitest';
import { PricingError } from '../errors.js';
import { providerIds } from '../usage.js';
import { builtinCatalogFiles } from './builtin-catalog.js';
import { catalogFileSchema } from './catalog-schema.js';
import { loadCatalog } from './load-catalog.js';

const file = (models: unknown[]) => ({ provider: 'openai', models });
const price = { effective_from: '2025-01-01', source: 'test', input: 1, output: 2 };

describe('built-in catalog', () => {
  it('validates every data file against the schema', () => {
    for (const raw of builtinCatalogFiles) expect(catalogFileSchema.safeParse(raw).success).toBe(true);
  });

  it('covers at least 80 models across the listed providers, each with a source and date', () => {
    const catalog = loadCatalog();
    expect(catalog.entries.length).toBeGreaterThanOrEqual(80);
    const providers = new Set(catalog.entries.map((e) => e.provider));
    for (const p of ['openai', 'azure.ai.openai', 'anthropic', 'aws.bedrock', 'gcp.gemini', 'gcp.vertex_ai', 'mistral_ai', 'deepseek', 'x_ai', 'cohere']) {
      expect(providers.has(p)).toBe(true);
    }
    for (const p of providers) expect((providerIds as readonly string[]).includes(p)).toBe(true);
    for (const e of catalog.entries) {
      for (const v of e.versions) {
        expect(v.source.length).toBeGreaterThan(0);
        expect(v.effectiveFromDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  it('lists the families the issue names', () => {
    const ids = new Set(loadCatalog().entries.map((e) => `${e.provider}/${e.model}`));
    for (const id of [
      'openai/gpt-4o', 'openai/gpt-4o-mini', 'openai/gpt-4.1', 'openai/o1', 'openai/o3', 'openai/o3-mini', 'openai/o4-mini',
      'openai/gpt-5', 'openai/gpt-5.2', 'openai/gpt-4-turbo', 'openai/text-embedding-3-small',
      'anthropic/claude-3-haiku-20240307', 'anthropic/claude-sonnet-4-5-20250929', 'anthropic/claude-opus-4-7',
      'gcp.gemini/gemini-1.5-pro', 'gcp.gemini/gemini-2.0-flash', 'gcp.gemini/gemini-2.5-pro', 'gcp.gemini/gemini-3-pro-preview',
      'azure.ai.openai/gpt-4o', 'aws.bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0', 'gcp.vertex_ai/claude-sonnet-4-5',
      'mistral_ai/mistral-large-2512', 'deepseek/deepseek-chat', 'x_ai/grok-4-0709', 'cohere/command-a-03-2025',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('keeps o3 price history: $10/$40 from 2025-04-16, $2/$8 from 2025-06-10', () => {
    const o3 = loadCatalog().entries.find((e) => e.provider === 'openai' && e.model === 'o3')!;
    expect(o3.versions.map((v) => [v.effectiveFromDate, v.bands[0]!.standard.input, v.bands[0]!.standard.output])).toEqual([
      ['2025-04-16', 10_000_000_000n, 40_000_000_000n],
      ['2025-06-10', 2_000_000_000n, 8_000_000_000n],
    ]);
  });
});

describe('loadCatalog validation', () => {
  it('rejects a price finer than a nano-dollar per 1M tokens, naming the field', () => {
    const bad = file([{ id: 'm', prices: [{ ...price, input: '0.0000000001' }] }]);
    expect(() => loadCatalog({ files: [bad] })).toThrow(/models\.0\.prices\.0\.input/);
  });

  it('rejects out-of-order price history', () => {
    const bad = file([{ id: 'm', prices: [{ ...price, effective_from: '2025-06-01' }, price] }]);
    expect(() => loadCatalog({ files: [bad] })).toThrow(PricingError);
  });

  it('rejects a name listed by two entries of one provider', () => {
    const bad = file([{ id: 'a', aliases: ['x'], prices: [price] }, { id: 'X', prices: [price] }]);
    expect(() => loadCatalog({ files: [bad] })).toThrow(/"X" is listed by both a and X/);
  });

  it('rejects unknown keys and impossible dates', () => {
    expect(() => loadCatalog({ files: [file([{ id: 'm', prices: [{ ...price, inptu: 1 }] }])] })).toThrow(/inptu/);
    expect(() => loadCatalog({ files: [file([{ id: 'm', prices: [{ ...price, effective_from: '2025-02-30' }] }])] })).toThrow(/calendar/);
  });

  it('derives batch rates from a discount and resolves cache fallbacks at load', () => {
    const catalog = loadCatalog({ files: [file([{ id: 'm', prices: [{ ...price, batch_discount_pct: 50, cache_write: 1.25 }] }])] });
    const band = catalog.entries[0]!.versions[0]!.bands[0]!;
    expect(band.standard).toEqual({ input: 1_000_000_000n, cachedInput: 1_000_000_000n, cacheWrite: 1_250_000_000n, cacheWrite1h: 1_250_000_000n, output: 2_000_000_000n });
    expect(band.batch).toEqual({ input: 500_000_000n, cachedInput: 500_000_000n, cacheWrite: 625_000_000n, cacheWrite1h: 625_000_000n, output: 1_000_000_000n });
  });
});
