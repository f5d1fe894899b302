/**
 * The compiled, in-memory catalog. Rates are integer femto-USD per token, which is the same
 * number as nano-USD per 1M tokens: $2.50/1M is 2_500_000_000n. Every fallback is resolved at
 * load, so pricing a call never branches on a missing field.
 */
export interface Rates {
  readonly input: bigint;
  readonly cachedInput: bigint;
  readonly cacheWrite: bigint;
  readonly cacheWrite1h: bigint;
  readonly output: bigint;
}

export type ServiceTier = 'standard' | 'batch' | 'priority' | 'flex';
export const serviceTiers: readonly ServiceTier[] = ['standard', 'batch', 'priority', 'flex'];

/** Prices for prompts above `aboveInputTokens` (0 for the base band). */
export interface PriceBand {
  readonly aboveInputTokens: number;
  readonly standard: Rates;
  readonly batch?: Rates;
  readonly priority?: Rates;
  readonly flex?: Rates;
}

export interface PriceVersion {
  /** UTC midnight of `effectiveFromDate`, in epoch milliseconds. */
  readonly effectiveFrom: number;
  readonly effectiveFromDate: string;
  readonly effectiveTo?: number;
  readonly source: string;
  /** Ascending by threshold; bands[0] is the base band (threshold 0). */
  readonly bands: readonly PriceBand[];
}

export interface CatalogEntry {
  /** Canonical provider id (a `gen_ai.provider.name` value), or '*' for an override on any provider. */
  readonly provider: string;
  readonly model: string;
  readonly kind: 'chat' | 'embedding';
  readonly aliases: readonly string[];
  /** Ascending by effectiveFrom. */
  readonly versions: readonly PriceVersion[];
  readonly origin: 'catalog' | 'override';
  /** Overrides only: the client whose calls this price applies to. */
  readonly clientId?: string;
}

export interface Catalog {
  readonly entries: readonly CatalogEntry[];
  /** provider -> lower-cased id or alias -> entry. */
  readonly index: ReadonlyMap<string, ReadonlyMap<string, CatalogEntry>>;
  /** lower-cased model name -> overrides for it, most specific first. */
  readonly overrides: ReadonlyMap<string, readonly CatalogEntry[]>;
  /** Azure deployment name (lower-cased) -> model id. */
  readonly azureDeployments: ReadonlyMap<string, string>;
}

/** The stable id of a matched price, stored in ClickHouse `price_key`. */
export function priceKey(entry: CatalogEntry, version: PriceVersion): string {
  const base = `${entry.provider}/${entry.model}@${version.effectiveFromDate}`;
  if (entry.origin === 'catalog') return base;
  return `override:${entry.clientId ?? '*'}:${base}`;
}
