import type { Pricer } from '@tokenledger/pricing';
import type { StoreClient } from '../clickhouse/store-client.js';
import { UsageError } from '../errors.js';
import { createAdminFetch, DEFAULT_FETCH_POLICY, type FetchPolicy } from './admin-fetch.js';
import { fetchAnthropic } from './anthropic-import.js';
import { clientFor } from './client-map.js';
import { modelResolver } from './model-key.js';
import { fetchOpenAI } from './openai-import.js';
import { rangeDays, type ImportRange, type ProviderRow } from './provider-row.js';
import { insertProviderRows, newImportId, registerImport, trackedModelNames, writeModelNames, type StoredProviderRow } from './provider-usage-table.js';
import type { ReconcileConfig, ReconcileSource } from './reconcile-config.js';
import { AdminKeyError } from './reconcile-errors.js';

export interface ImportSummary {
  import_id: string;
  /** provider -> rows stored and days replaced */
  providers: Record<string, { rows: number; days: number }>;
}

export interface ImportContext {
  store: StoreClient;
  pricer: Pricer;
  now: Date;
}

/** Resolves model names and clients, then stores and publishes one import (see provider-usage-table.ts). */
export async function storeImport(
  ctx: ImportContext,
  source: 'api' | 'csv',
  fetched: readonly { provider: string; source?: ReconcileSource; rows: readonly ProviderRow[]; days: readonly string[] }[],
): Promise<ImportSummary> {
  const model = modelResolver(ctx.pricer);
  const importId = newImportId(ctx.now);
  const stored: StoredProviderRow[] = fetched.flatMap((f) =>
    f.rows.map((r) => ({ ...r, provider: f.provider, model: model(f.provider, r.provider_model), client_id: r.client_id ?? clientFor(f.source, r) })),
  );
  await insertProviderRows(ctx.store, importId, source, stored, ctx.now);
  await writeModelNames(ctx.store, await modelNames(ctx, fetched, stored, model), ctx.now);
  const covered = new Map<string, Map<string, number>>();
  const summary: ImportSummary = { import_id: importId, providers: {} };
  for (const f of fetched) {
    const days = covered.get(f.provider) ?? new Map<string, number>();
    for (const d of f.days) days.set(d, days.get(d) ?? 0);
    for (const r of f.rows) days.set(r.day, (days.get(r.day) ?? 0) + 1);
    covered.set(f.provider, days);
    const s = (summary.providers[f.provider] ??= { rows: 0, days: 0 });
    s.rows += f.rows.length;
    s.days = days.size;
  }
  await registerImport(ctx.store, importId, source, covered, ctx.now);
  return summary;
}

/** The names both sides used in the imported days, with the model each resolves to. */
async function modelNames(ctx: ImportContext, fetched: readonly { days: readonly string[] }[], stored: readonly StoredProviderRow[], model: (p: string, n: string) => string) {
  const days = fetched.flatMap((f) => f.days).sort();
  const names = new Map<string, { provider: string; name: string; model: string }>();
  const add = (provider: string, name: string) => names.set(`${provider}\u0000${name}`, { provider, name, model: model(provider, name) });
  for (const r of stored) add(r.provider, r.provider_model);
  if (days.length) {
    const from = new Date(`${days[0]}T00:00:00Z`);
    const to = new Date(Date.parse(`${days.at(-1)}T00:00:00Z`) + 86_400_000);
    for (const t of await trackedModelNames(ctx.store, from, to)) add(t.provider, t.name);
  }
  return [...names.values()];
}

export interface ApiImportOptions {
  config: ReconcileConfig;
  /** By variable name, as load-config read them. */
  adminKeys: Readonly<Record<string, string>>;
  range: ImportRange;
  provider?: string | undefined;
  policy?: FetchPolicy;
}

/** Which sources an import reads, each with its key; a missing key fails before any request. */
export function selectSources(options: ApiImportOptions): { source: ReconcileSource; key: string }[] {
  const sources = options.config.sources.filter((s) => options.provider === undefined || s.provider === options.provider);
  if (sources.length === 0) throw new UsageError(options.provider ? `no reconcile source for provider "${options.provider}" in the config` : 'no reconcile.sources in the config');
  return sources.map((source) => {
    const key = options.adminKeys[source.admin_key_env];
    if (!key) throw new AdminKeyError(`${source.provider}: no admin key: the variable ${source.admin_key_env} is not set`);
    return { source, key };
  });
}

/**
 * Fetches every page of every selected source, and only then stores them: an import that fails
 * anywhere (a refused key, a 5xx past the retries) stores nothing and replaces nothing.
 */
export async function importFromApis(ctx: ImportContext, options: ApiImportOptions): Promise<ImportSummary> {
  const selected = selectSources(options);
  const policy = options.policy ?? { ...DEFAULT_FETCH_POLICY, requestsPerSecond: options.config.max_requests_per_second };
  const days = rangeDays(options.range);
  const fetched = [];
  for (const { source, key } of selected) {
    const fetchText = createAdminFetch(policy);
    const access = { baseUrl: source.base_url, adminKey: key };
    const rows = source.provider === 'openai' ? await fetchOpenAI(fetchText, access, options.range) : await fetchAnthropic(fetchText, access, options.range);
    fetched.push({ provider: source.provider, source, rows, days });
  }
  return storeImport(ctx, 'api', fetched);
}
