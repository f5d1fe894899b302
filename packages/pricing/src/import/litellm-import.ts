import { z } from 'zod';
import type { CatalogFile, CatalogModelInput, PriceSetInput, PriceVersionInput } from '../catalog/catalog-schema.js';
import { PricingError } from '../errors.js';
import { formatTrimmed, parseScaled } from '../money/decimal.js';

/** LiteLLM `litellm_provider` -> our provider id; other providers are skipped. */
const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  'text-completion-openai': 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  bedrock: 'aws.bedrock',
  bedrock_converse: 'aws.bedrock',
  gemini: 'gcp.gemini',
  'vertex_ai-language-models': 'gcp.vertex_ai',
  'vertex_ai-anthropic_models': 'gcp.vertex_ai',
  'vertex_ai-embedding-models': 'gcp.vertex_ai',
  mistral: 'mistral_ai',
  deepseek: 'deepseek',
  xai: 'x_ai',
  cohere: 'cohere',
  cohere_chat: 'cohere',
  groq: 'groq',
};
const MODES = new Set(['chat', 'completion', 'responses', 'embedding']);
const KEY_PREFIX = /^(azure|gemini|vertex_ai|mistral|deepseek|xai|groq|bedrock|cohere|openai|anthropic)\//;

const entrySchema = z.looseObject({ litellm_provider: z.string().optional(), mode: z.string().optional() });

export interface LiteLLMImport {
  files: CatalogFile[];
  skipped: { key: string; reason: string }[];
}

/** USD per token (LiteLLM) -> USD per 1M tokens as an exact decimal string. */
function perMtok(v: unknown): string | undefined {
  if (typeof v !== 'number' && typeof v !== 'string') return undefined;
  return formatTrimmed(parseScaled(v, 15, 'round'), 9);
}

/**
 * One price set under a key suffix. A service tier without its own output price is a data gap
 * and is dropped (never read as free); a long-context band without one keeps the base output.
 */
function priceSet(e: Record<string, unknown>, suffix: string, kind: 'base' | 'tier' | 'band'): PriceSetInput | undefined {
  const input = perMtok(e[`input_cost_per_token${suffix}`]);
  const ownOutput = perMtok(e[`output_cost_per_token${suffix}`]);
  if (input === undefined || (kind === 'tier' && ownOutput === undefined)) return undefined;
  const set: PriceSetInput = { input, output: ownOutput ?? perMtok(e.output_cost_per_token) ?? '0' };
  const cached = perMtok(e[`cache_read_input_token_cost${suffix}`]);
  const write = perMtok(e[`cache_creation_input_token_cost${suffix}`]);
  const write1h = perMtok(e[`cache_creation_input_token_cost_above_1hr${suffix}`]);
  if (cached !== undefined) set.cached_input = cached;
  if (write !== undefined && write !== '0') set.cache_write = write;
  if (write1h !== undefined && set.cache_write !== undefined) set.cache_write_1h = write1h;
  return set;
}

function version(e: Record<string, unknown>, effectiveFrom: string, source: string): PriceVersionInput | undefined {
  const base = priceSet(e, '', 'base');
  if (!base) return undefined;
  const v: PriceVersionInput = { ...base, effective_from: effectiveFrom, source };
  for (const tier of ['batch', 'priority', 'flex'] as const) {
    const set = priceSet(e, tier === 'batch' ? '_batches' : `_${tier}`, 'tier');
    if (set) v[tier] = set;
  }
  const bands = [128, 200, 272].flatMap((k) => {
    const set = priceSet(e, `_above_${k}k_tokens`, 'band');
    return set ? [{ ...set, above_input_tokens: k * 1000 }] : [];
  });
  if (bands.length > 0) v.long_context = bands;
  return v;
}

/**
 * Reads a catalog in LiteLLM's model_prices_and_context_window.json format (USD per token, keys
 * optionally prefixed "gemini/", "azure/"…) into our catalog files. LiteLLM carries no dates, so
 * every price takes `effectiveFrom`. Pure: the CLI reads the file or URL and passes the text.
 */
export function importLiteLLM(input: string | object, options: { effectiveFrom: string; source?: string }): LiteLLMImport {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (err) {
      throw new PricingError('import_invalid', `not JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new PricingError('import_invalid', 'expected a JSON object keyed by model');
  const byProvider = new Map<string, Map<string, CatalogModelInput>>();
  const skipped: LiteLLMImport['skipped'] = [];
  for (const [key, raw] of Object.entries(data)) {
    const e = entrySchema.safeParse(raw);
    if (key === 'sample_spec' || !e.success) continue;
    const provider = PROVIDERS[e.data.litellm_provider ?? ''];
    if (!provider) { skipped.push({ key, reason: `provider ${e.data.litellm_provider ?? '(none)'}` }); continue; }
    if (!MODES.has(e.data.mode ?? 'chat')) { skipped.push({ key, reason: `mode ${e.data.mode}` }); continue; }
    const id = key.replace(KEY_PREFIX, '');
    if (provider !== 'groq' && id.includes('/')) { skipped.push({ key, reason: 'regional or commitment price' }); continue; }
    const v = version(e.data, options.effectiveFrom, `${options.source ?? 'LiteLLM import'} "${key}"`);
    if (!v) { skipped.push({ key, reason: 'no per-token price' }); continue; }
    const models = byProvider.get(provider) ?? new Map<string, CatalogModelInput>();
    byProvider.set(provider, models);
    if (models.has(id.toLowerCase())) { skipped.push({ key, reason: 'duplicate id' }); continue; }
    models.set(id.toLowerCase(), { id, ...(e.data.mode === 'embedding' ? { kind: 'embedding' as const } : {}), prices: [v] });
  }
  const files = [...byProvider].map(([provider, models]) => ({ provider, models: [...models.values()] }));
  return { files, skipped };
}
