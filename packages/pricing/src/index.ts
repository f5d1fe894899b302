/** @tokenledger/pricing: the price catalog and exact cost engine. Pure: no I/O, no clock, no env. */
export { usageSchema, emptyUsage, providerIds, type Usage, type ProviderId } from './usage.js';
export { PricingError } from './errors.js';

export { NANOS_PER_USD, formatUsd, usdToNanos, roundToCents, formatCents, markupNanos, applyMarkup } from './money/money.js';
export { parseScaled, formatScaled, formatTrimmed, divRoundHalfUp } from './money/decimal.js';

export {
  catalogFileSchema,
  catalogModelSchema,
  priceVersionSchema,
  priceSetSchema,
  type CatalogFile,
  type CatalogModelInput,
  type PriceVersionInput,
  type PriceSetInput,
} from './catalog/catalog-schema.js';
export type { Catalog, CatalogEntry, PriceVersion, PriceBand, Rates, ServiceTier } from './catalog/catalog-types.js';
export { priceKey, serviceTiers } from './catalog/catalog-types.js';
export { loadCatalog, parseCatalogFile, type LoadCatalogOptions } from './catalog/load-catalog.js';
export { builtinCatalogFiles } from './catalog/builtin-catalog.js';

export {
  priceOverrideSchema,
  azureDeploymentsSchema,
  type PriceOverride,
  type AzureDeployments,
} from './overrides/price-override.js';

export { normalizeProvider } from './match/provider-id.js';
export { modelCandidates } from './match/model-candidates.js';
export { resolveModel, type Resolution } from './match/resolve-model.js';
export { LruCache } from './match/lru-cache.js';

export { createPricer, type Pricer, type PriceRequest, type PriceResult, type PricedResult, type UnpricedResult } from './engine/pricer.js';
export { computeCost, usageIsConsistent, type CostBreakdown } from './engine/compute-cost.js';
export { versionAt } from './engine/select-price.js';

export { usageFromOpenAI, type OpenAIRawUsage } from './provider-usage/openai-usage.js';
export { usageFromAnthropic, type AnthropicRawUsage } from './provider-usage/anthropic-usage.js';
export { usageFromGemini, type GeminiRawUsage } from './provider-usage/gemini-usage.js';
export { usageFromBedrock, type BedrockRawUsage } from './provider-usage/bedrock-usage.js';

export { importLiteLLM, type LiteLLMImport } from './import/litellm-import.js';
export { diffCatalogs, type CatalogDiff, type PriceChange, type RateField } from './import/catalog-diff.js';
