import { PricingError } from '../errors.js';
import { normalizeProvider } from '../match/provider-id.js';
import {
  azureDeploymentsSchema,
  compileOverride,
  overrideOrder,
  priceOverrideSchema,
  type AzureDeployments,
  type PriceOverride,
} from '../overrides/price-override.js';
import { builtinCatalogFiles } from './builtin-catalog.js';
import { catalogFileSchema, type CatalogFile } from './catalog-schema.js';
import type { Catalog, CatalogEntry } from './catalog-types.js';
import { compileVersion } from './compile-prices.js';

export interface LoadCatalogOptions {
  /** tokenledger.yaml `pricing.overrides`, validated here with priceOverrideSchema. */
  overrides?: readonly PriceOverride[];
  /** Azure deployment name -> model id. */
  azureDeployments?: AzureDeployments;
  /** Catalog files to use instead of the built-in data (importer output, tests). */
  files?: readonly unknown[];
}

function zodMessage(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseCatalogFile(raw: unknown, label: string): CatalogFile {
  const parsed = catalogFileSchema.safeParse(raw);
  if (!parsed.success) throw new PricingError('catalog_invalid', `catalog ${label}: ${zodMessage(parsed.error.issues)}`);
  return parsed.data;
}

function indexFile(file: CatalogFile, entries: CatalogEntry[], index: Map<string, Map<string, CatalogEntry>>): void {
  const provider = normalizeProvider(file.provider);
  const byName = index.get(provider) ?? new Map<string, CatalogEntry>();
  index.set(provider, byName);
  for (const m of file.models) {
    const entry: CatalogEntry = {
      provider,
      model: m.id,
      kind: m.kind ?? 'chat',
      aliases: m.aliases ?? [],
      versions: m.prices.map(compileVersion),
      origin: 'catalog',
    };
    for (const name of [m.id, ...entry.aliases]) {
      const key = name.toLowerCase();
      const clash = byName.get(key);
      if (clash) throw new PricingError('catalog_invalid', `catalog ${provider}: "${name}" is listed by both ${clash.model} and ${m.id}`);
      byName.set(key, entry);
    }
    entries.push(entry);
  }
}

/** Validates catalog files and overrides, compiles prices to exact integers and indexes names. */
export function loadCatalog(options: LoadCatalogOptions = {}): Catalog {
  const entries: CatalogEntry[] = [];
  const index = new Map<string, Map<string, CatalogEntry>>();
  (options.files ?? builtinCatalogFiles).forEach((raw, i) => {
    const label = typeof raw === 'object' && raw && 'provider' in raw ? String(raw.provider) : `#${i}`;
    indexFile(parseCatalogFile(raw, label), entries, index);
  });
  const overrides = new Map<string, CatalogEntry[]>();
  (options.overrides ?? []).forEach((raw, i) => {
    const parsed = priceOverrideSchema.safeParse(raw);
    if (!parsed.success) {
      throw new PricingError('override_invalid', `pricing.overrides.${i}: ${zodMessage(parsed.error.issues)}`);
    }
    const entry = compileOverride(parsed.data);
    overrides.set(entry.model, [...(overrides.get(entry.model) ?? []), entry].sort(overrideOrder));
  });
  const deployments = azureDeploymentsSchema.safeParse(options.azureDeployments ?? {});
  if (!deployments.success) throw new PricingError('override_invalid', `azureDeployments: ${zodMessage(deployments.error.issues)}`);
  const azureDeployments = new Map(Object.entries(deployments.data).map(([k, v]) => [k.trim().toLowerCase(), v] as const));
  return { entries, index, overrides, azureDeployments };
}
