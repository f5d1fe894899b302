import type { Catalog, CatalogEntry, Rates } from '../catalog/catalog-types.js';
import { formatTrimmed } from '../money/decimal.js';

export type RateField = 'input' | 'cached_input' | 'cache_write' | 'cache_write_1h' | 'output';
const FIELDS: [RateField, keyof Rates][] = [
  ['input', 'input'],
  ['cached_input', 'cachedInput'],
  ['cache_write', 'cacheWrite'],
  ['cache_write_1h', 'cacheWrite1h'],
  ['output', 'output'],
];

/** Prices are USD per 1M tokens as decimal strings, as in the catalog files. */
export interface PriceChange {
  provider: string;
  model: string;
  field: RateField;
  from: string;
  to: string;
}

export interface CatalogDiff {
  added: { provider: string; model: string; input: string; output: string }[];
  changed: PriceChange[];
  removed: { provider: string; model: string }[];
}

const usd = (femto: bigint) => formatTrimmed(femto, 9);

/** Whether a cache rate was listed, or only filled in by the load-time fallback (compile-prices.ts). */
function listed(r: Rates, key: keyof Rates): boolean {
  if (key === 'cachedInput' || key === 'cacheWrite') return r[key] !== r.input;
  if (key === 'cacheWrite1h') return r.cacheWrite1h !== r.cacheWrite;
  return true;
}
const current = (e: CatalogEntry) => e.versions[e.versions.length - 1]!.bands[0]!.standard;

/**
 * Compares the latest standard prices of two catalogs, model by model. An incoming id is matched
 * to our entry by exact id or alias on the same provider. Removals are reported only for
 * providers the incoming catalog covers, so a partial file does not "remove" everything else.
 */
export function diffCatalogs(ours: Catalog, incoming: Catalog): CatalogDiff {
  const diff: CatalogDiff = { added: [], changed: [], removed: [] };
  const seen = new Set<CatalogEntry>();
  for (const theirs of incoming.entries) {
    const mine = ours.index.get(theirs.provider)?.get(theirs.model.toLowerCase());
    const t = current(theirs);
    if (!mine) {
      diff.added.push({ provider: theirs.provider, model: theirs.model, input: usd(t.input), output: usd(t.output) });
      continue;
    }
    if (seen.has(mine)) continue;
    seen.add(mine);
    const m = current(mine);
    for (const [field, key] of FIELDS) {
      if (!listed(m, key) && !listed(t, key)) continue;
      if (m[key] !== t[key]) diff.changed.push({ provider: mine.provider, model: mine.model, field, from: usd(m[key]), to: usd(t[key]) });
    }
  }
  const covered = new Set(incoming.entries.map((e) => e.provider));
  for (const mine of ours.entries) {
    if (covered.has(mine.provider) && !seen.has(mine)) diff.removed.push({ provider: mine.provider, model: mine.model });
  }
  return diff;
}
