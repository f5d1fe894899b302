import type { Catalog, CatalogEntry } from '../catalog/catalog-types.js';
import { modelCandidates } from './model-candidates.js';
import { normalizeProvider, providerSearchOrder } from './provider-id.js';

export interface Resolution {
  /** The canonical provider the call was looked up under ('' when none was known). */
  readonly provider: string;
  /** The built-in entry for the model, if any. */
  readonly entry?: CatalogEntry;
  /** Overrides naming the model on this provider (or any provider), most exact name first. */
  readonly overrides: readonly CatalogEntry[];
}

function candidatesFor(catalog: Catalog, provider: string, model: string) {
  const name = modelCandidates(model);
  const host = provider === '' && name.providerHint ? name.providerHint : provider;
  if (host !== 'azure.ai.openai') return { host, candidates: name.candidates };
  // Azure calls often report the deployment name; config maps it to the model behind it.
  const mapped = name.candidates.map((c) => catalog.azureDeployments.get(c)).find((m) => m !== undefined);
  if (mapped === undefined) return { host, candidates: name.candidates };
  return { host, candidates: [...new Set([...name.candidates, ...modelCandidates(mapped).candidates])] };
}

/**
 * Finds the prices for a (provider, model) pair: indexed Map lookups over a short list of
 * candidate names, never a scan of the catalog. The caller caches the result.
 */
export function resolveModel(catalog: Catalog, providerName: string, model: string): Resolution {
  const { host, candidates } = candidatesFor(catalog, normalizeProvider(providerName), model);
  const entry = findEntry(catalog, host, candidates);
  // With no provider named, the list that matched names the host (gpt-4o -> openai).
  const provider = host === '' && entry ? entry.provider : host;
  const overrides: CatalogEntry[] = [];
  for (const c of candidates) {
    for (const o of catalog.overrides.get(c) ?? []) {
      if (o.provider === '*' || o.provider === provider) overrides.push(o);
    }
  }
  return entry ? { provider, entry, overrides } : { provider, overrides };
}

function findEntry(catalog: Catalog, host: string, candidates: readonly string[]): CatalogEntry | undefined {
  for (const provider of providerSearchOrder(host)) {
    const byName = catalog.index.get(provider);
    if (!byName) continue;
    for (const c of candidates) {
      const entry = byName.get(c);
      if (entry) return entry;
    }
  }
  return undefined;
}
