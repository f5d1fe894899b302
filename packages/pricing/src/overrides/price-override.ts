import { z } from 'zod';
import { isoDateSchema, usdPerMtokSchema } from '../catalog/catalog-schema.js';
import type { CatalogEntry } from '../catalog/catalog-types.js';
import { compileVersion } from '../catalog/compile-prices.js';
import { normalizeProvider } from '../match/provider-id.js';

// YAML 1.1 loaders turn 2025-01-01 into a Date; accept both spellings.
const dateSchema = z.union([isoDateSchema, z.date().transform((d) => d.toISOString().slice(0, 10))]);

/**
 * One entry of tokenledger.yaml `pricing.overrides` (snake_case, as written in YAML): a custom
 * price for a deployment, a fine-tune, a self-hosted model (zero is a real price) or a
 * negotiated rate. With `client` it applies only to that client's calls; without `provider` it
 * applies on any host. USD per 1M tokens.
 */
export const priceOverrideSchema = z
  .strictObject({
    model: z.string().min(1),
    provider: z.string().min(1).optional(),
    client: z.string().min(1).optional(),
    input_per_mtok: usdPerMtokSchema,
    output_per_mtok: usdPerMtokSchema,
    cached_input_per_mtok: usdPerMtokSchema.optional(),
    cache_write_per_mtok: usdPerMtokSchema.optional(),
    cache_write_1h_per_mtok: usdPerMtokSchema.optional(),
    batch_discount_pct: z.number().min(0).max(100).optional(),
    effective_from: dateSchema.optional(),
    effective_to: dateSchema.optional(),
    note: z.string().optional(),
  })
  .refine((o) => !o.effective_from || !o.effective_to || o.effective_from < o.effective_to, {
    message: 'effective_to must be after effective_from',
    path: ['effective_to'],
  });

export type PriceOverride = z.input<typeof priceOverrideSchema>;
export type ParsedPriceOverride = z.output<typeof priceOverrideSchema>;

/** Deployment name -> model id, for Azure OpenAI calls that report only the deployment. */
export const azureDeploymentsSchema = z.record(z.string().min(1), z.string().min(1));
export type AzureDeployments = z.infer<typeof azureDeploymentsSchema>;

// An override without a start date applies to all history, so repricing old calls uses it too.
const EPOCH = '1970-01-01';

export function compileOverride(o: ParsedPriceOverride): CatalogEntry {
  const version = compileVersion({
    effective_from: o.effective_from ?? EPOCH,
    effective_to: o.effective_to,
    source: o.note ? `override: ${o.note}` : 'override (tokenledger.yaml pricing.overrides)',
    input: o.input_per_mtok,
    output: o.output_per_mtok,
    cached_input: o.cached_input_per_mtok,
    cache_write: o.cache_write_per_mtok,
    cache_write_1h: o.cache_write_1h_per_mtok,
    batch_discount_pct: o.batch_discount_pct,
  });
  return {
    provider: o.provider ? normalizeProvider(o.provider) : '*',
    model: o.model.trim().toLowerCase(),
    kind: 'chat',
    aliases: [],
    versions: [version],
    origin: 'override',
    ...(o.client ? { clientId: o.client } : {}),
  };
}

/** Most specific first: a client's own rate, then a provider-specific one, then later starts. */
export function overrideOrder(a: CatalogEntry, b: CatalogEntry): number {
  const rank = (e: CatalogEntry) => (e.clientId ? 0 : 2) + (e.provider === '*' ? 1 : 0);
  return rank(a) - rank(b) || b.versions[0]!.effectiveFrom - a.versions[0]!.effectiveFrom;
}
