import type { Catalog, CatalogEntry, PriceVersion, Rates, ServiceTier } from '../catalog/catalog-types.js';
import { priceKey } from '../catalog/catalog-types.js';
import { LruCache } from '../match/lru-cache.js';
import { resolveModel, type Resolution } from '../match/resolve-model.js';
import type { Usage } from '../usage.js';
import { computeCost, totalOf, usageIsConsistent, type CostBreakdown } from './compute-cost.js';
import { bandFor, ratesFor, versionAt } from './select-price.js';

export interface PriceRequest {
  /** The host (`gen_ai.provider.name` or a known alias); '' when unknown. */
  provider: string;
  model: string;
  usage: Usage;
  /** When the call happened; prices are taken as of this instant. */
  at: Date;
  serviceTier?: ServiceTier;
  /** `tokenledger.client.id`, for per-client negotiated overrides. */
  clientId?: string;
}

export interface PricedResult {
  priced: true;
  /** Stable id of the matched price version, stored in ClickHouse `price_key`. */
  priceKey: string;
  provider: string;
  model: string;
  origin: 'catalog' | 'override';
  effectiveFrom: string;
  /** Where the price came from (the catalog version's `source`, or the override's note). */
  source: string;
  /** The per-token rates applied (femto-USD per token = nano-USD per 1M tokens). */
  rates: Rates;
  breakdown: CostBreakdown;
  totalNanos: bigint;
  /** The service tier billed. */
  tier: ServiceTier;
  /** Set when a long-context band applied: the threshold the prompt exceeded. */
  longContextAbove?: number;
}

export interface UnpricedResult {
  priced: false;
  reason: 'unknown_model' | 'no_price_at_date' | 'invalid_usage';
  provider: string;
  model: string;
}

export type PriceResult = PricedResult | UnpricedResult;

export interface Pricer {
  price(req: PriceRequest): PriceResult;
  /** The cached (provider, model) resolution, for `tokenledger price` and diagnostics. */
  resolve(provider: string, model: string): Resolution;
}

function pick(res: Resolution, at: number, clientId: string | undefined): { entry: CatalogEntry; version: PriceVersion } | undefined {
  for (const o of res.overrides) {
    if (o.clientId !== undefined && o.clientId !== clientId) continue;
    const version = versionAt(o, at);
    if (version) return { entry: o, version };
  }
  const version = res.entry && versionAt(res.entry, at);
  return version && res.entry ? { entry: res.entry, version } : undefined;
}

/** Hosts remembered per model name; a model seen on more is forgotten on all and starts again. */
const MAX_PROVIDERS_PER_MODEL = 8;

/**
 * A pure pricer over one catalog; the only state is a bounded memo of name resolutions: up to
 * 2 x cacheSize model names (LruCache), each with the hosts it was priced on. Keyed by the model,
 * then the provider, rather than by the two joined: a joined key is a new string to build and
 * hash on every call, where the decoder hands out the same model and provider strings each time.
 */
export function createPricer(catalog: Catalog, options: { cacheSize?: number } = {}): Pricer {
  const cache = new LruCache<string, Map<string, Resolution>>(options.cacheSize ?? 10_000);
  const resolve = (provider: string, model: string): Resolution => {
    let byProvider = cache.get(model);
    let res = byProvider?.get(provider);
    if (!res) {
      res = resolveModel(catalog, provider, model);
      if (!byProvider || byProvider.size >= MAX_PROVIDERS_PER_MODEL) cache.set(model, (byProvider = new Map()));
      byProvider.set(provider, res);
    }
    return res;
  };
  const price = (req: PriceRequest): PriceResult => {
    const unpriced = (reason: UnpricedResult['reason']): UnpricedResult => ({ priced: false, reason, provider: req.provider, model: req.model });
    if (!usageIsConsistent(req.usage)) return unpriced('invalid_usage');
    const res = resolve(req.provider, req.model);
    if (!res.entry && res.overrides.length === 0) return unpriced('unknown_model');
    const found = pick(res, req.at.getTime(), req.clientId);
    if (!found) return unpriced('no_price_at_date');
    const band = bandFor(found.version, req.usage.inputTokens);
    const { rates, tier } = ratesFor(band, req.serviceTier ?? 'standard');
    const breakdown = computeCost(req.usage, rates);
    const result: PricedResult = {
      priced: true,
      priceKey: priceKey(found.entry, found.version),
      provider: found.entry.provider === '*' ? res.provider : found.entry.provider,
      model: found.entry.model,
      origin: found.entry.origin,
      effectiveFrom: found.version.effectiveFromDate,
      source: found.version.source,
      rates,
      breakdown,
      totalNanos: totalOf(breakdown),
      tier,
    };
    if (band.aboveInputTokens > 0) result.longContextAbove = band.aboveInputTokens;
    return result;
  };
  return { price, resolve };
}
