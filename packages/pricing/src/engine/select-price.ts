import type { CatalogEntry, PriceBand, PriceVersion, Rates, ServiceTier } from '../catalog/catalog-types.js';

/** The version in force at `at`: the latest that started on or before it and has not ended. */
export function versionAt(entry: CatalogEntry, at: number): PriceVersion | undefined {
  for (let i = entry.versions.length - 1; i >= 0; i--) {
    const v = entry.versions[i]!;
    if (v.effectiveFrom <= at) return v.effectiveTo !== undefined && at >= v.effectiveTo ? undefined : v;
  }
  return undefined;
}

/**
 * Long-context pricing applies to the WHOLE request once the prompt (all input, cached and
 * written tokens included) exceeds the threshold: Anthropic's and Google's rule, and LiteLLM's.
 */
export function bandFor(version: PriceVersion, inputTokens: number): PriceBand {
  let band = version.bands[0]!;
  for (const b of version.bands) if (inputTokens > b.aboveInputTokens) band = b;
  return band;
}

export interface TierRates {
  rates: Rates;
  /** The tier actually billed: a model without priority or flex prices is billed at standard. */
  tier: ServiceTier;
}

export function ratesFor(band: PriceBand, requested: ServiceTier): TierRates {
  if (requested !== 'standard') {
    const rates = band[requested];
    if (rates) return { rates, tier: requested };
  }
  return { rates: band.standard, tier: 'standard' };
}
