import { z } from 'zod';
import { parseScaled } from '../money/decimal.js';

/**
 * The catalog file format (src/catalog/data/*.json): one file per hosting provider, prices in
 * USD per 1M tokens, written as JSON numbers or decimal strings with at most 9 decimals (a
 * nano-dollar per million tokens is the finest price the engine keeps exactly).
 */
export const usdPerMtokSchema = z.union([z.number().nonnegative(), z.string()]).refine(
  (v) => {
    try {
      return parseScaled(v, 9, 'exact') >= 0n;
    } catch {
      return false;
    }
  },
  { message: 'a non-negative USD price per 1M tokens with at most 9 decimals' },
);

export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine(
  (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
  'a real calendar date',
);

/** One set of per-token-type prices. Missing cache prices fall back (docs/pricing.md "Fallbacks"). */
export const priceSetSchema = z.strictObject({
  input: usdPerMtokSchema,
  cached_input: usdPerMtokSchema.optional(),
  /** 5-minute (default) cache write; Anthropic bills 1.25x input. */
  cache_write: usdPerMtokSchema.optional(),
  /** Anthropic's 1-hour cache write (2x input). */
  cache_write_1h: usdPerMtokSchema.optional(),
  output: usdPerMtokSchema,
});

const serviceTierSets = {
  batch: priceSetSchema.optional(),
  priority: priceSetSchema.optional(),
  flex: priceSetSchema.optional(),
};

/** Long-context band: when the prompt exceeds the threshold the WHOLE request uses these prices. */
export const longContextBandSchema = priceSetSchema.extend({
  above_input_tokens: z.number().int().positive(),
  ...serviceTierSets,
});

export const priceVersionSchema = priceSetSchema.extend({
  effective_from: isoDateSchema,
  /** Exclusive end, for overrides and retired prices; a later version also ends this one. */
  effective_to: isoDateSchema.optional(),
  source: z.string().min(1),
  /** Batch discount when no explicit `batch` prices are listed (OpenAI, Anthropic, Gemini: 50). */
  batch_discount_pct: z.number().min(0).max(100).optional(),
  long_context: z.array(longContextBandSchema).optional(),
  ...serviceTierSets,
});

export const catalogModelSchema = z
  .strictObject({
    id: z.string().min(1),
    kind: z.enum(['chat', 'embedding']).optional(),
    aliases: z.array(z.string().min(1)).optional(),
    prices: z.array(priceVersionSchema).min(1),
  })
  .refine((m) => m.prices.every((p, i) => i === 0 || p.effective_from > m.prices[i - 1]!.effective_from), {
    message: 'prices must be in increasing effective_from order with no repeated date',
    path: ['prices'],
  });

export const catalogFileSchema = z.strictObject({
  provider: z.string().min(1),
  models: z.array(catalogModelSchema),
});

export type PriceSetInput = z.infer<typeof priceSetSchema>;
export type PriceVersionInput = z.infer<typeof priceVersionSchema>;
export type CatalogModelInput = z.infer<typeof catalogModelSchema>;
export type CatalogFile = z.infer<typeof catalogFileSchema>;
