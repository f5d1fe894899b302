import { randomUUID } from 'node:crypto';
import type { StoreClient } from '../clickhouse/store-client.js';
import { joinSql, sql, type SqlFragment } from '../clickhouse/sql.js';
import { dateTimeText } from '../store/llm-calls.js';
import type { ProviderRow } from './provider-row.js';

/**
 * provider_usage, provider_imports and reconcile_models (migrations 0011-0012): an import's rows
 * are written under a fresh import_id and become current only when its days are registered in
 * provider_imports, in one insert after every row is stored.
 */
export interface StoredProviderRow extends ProviderRow {
  provider: string;
  model: string;
  client_id: string;
}

/** Sorts by time, so max(import_id) is the newest import (see migration 0011). */
export function newImportId(at: Date): string {
  return `${String(at.getTime()).padStart(15, '0')}-${randomUUID().slice(0, 8)}`;
}

const CHUNK = 10_000;

export async function insertProviderRows(store: StoreClient, importId: string, source: string, rows: readonly StoredProviderRow[], at: Date): Promise<void> {
  const importedAt = dateTimeText(at);
  for (let i = 0; i < rows.length; i += CHUNK) {
    await store.insertRows(
      `${store.database}.provider_usage`,
      rows.slice(i, i + CHUNK).map((r) => ({
        import_id: importId,
        day: r.day,
        provider: r.provider,
        source,
        kind: r.kind,
        model: r.model,
        provider_model: r.provider_model,
        project_id: r.project_id,
        api_key_id: r.api_key_id,
        client_id: r.client_id,
        line_item: r.line_item,
        input_tokens: r.input_tokens,
        cached_input_tokens: r.cached_input_tokens,
        cache_write_tokens: r.cache_write_tokens,
        output_tokens: r.output_tokens,
        requests: r.requests ?? 0,
        requests_reported: r.requests === null ? 0 : 1,
        cost_nanos: r.cost_nanos.toString(),
        imported_at: importedAt,
      })),
    );
  }
}

/** Makes the import current for these (provider, day) pairs: the one write that publishes it. */
export async function registerImport(store: StoreClient, importId: string, source: string, covered: ReadonlyMap<string, ReadonlyMap<string, number>>, at: Date): Promise<void> {
  const rows = [...covered].flatMap(([provider, days]) =>
    [...days].map(([day, count]) => ({ provider, day, import_id: importId, source, rows: count, imported_at: dateTimeText(at) })),
  );
  if (rows.length) await store.insertRows(`${store.database}.provider_imports`, rows);
}

export async function writeModelNames(store: StoreClient, names: readonly { provider: string; name: string; model: string }[], at: Date): Promise<void> {
  if (names.length) await store.insertRows(`${store.database}.reconcile_models`, names.map((n) => ({ ...n, updated_at: dateTimeText(at) })));
}

/** The raw model names tracked calls used in the range, per provider (from the rollup). */
export async function trackedModelNames(store: StoreClient, from: Date, to: Date): Promise<{ provider: string; name: string }[]> {
  return store.queryRows(
    `SELECT DISTINCT provider, model AS name FROM ${store.database}.llm_usage_daily WHERE ${sql`day >= toDate(${from}) AND day < toDate(${to})`.text}`,
  );
}

export interface ProviderSums {
  day: string;
  provider: string;
  model: string;
  client_id: string;
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  output_tokens: string;
  requests: string;
  requests_reported: string;
  cost_nanos: string;
}

/** Current provider figures in [from, to), summed per day, provider, model and client. */
export async function providerSums(store: StoreClient, filter: { from: Date; to: Date; provider?: string | undefined }): Promise<ProviderSums[]> {
  const where: SqlFragment[] = [sql`day >= toDate(${filter.from})`, sql`day < toDate(${filter.to})`];
  if (filter.provider !== undefined) where.push(sql`provider = ${filter.provider}`);
  return store.queryRows<ProviderSums>(
    `SELECT day, provider, model, client_id,
  toString(sum(input_tokens)) AS input_tokens, toString(sum(cached_input_tokens)) AS cached_input_tokens,
  toString(sum(cache_write_tokens)) AS cache_write_tokens, toString(sum(output_tokens)) AS output_tokens,
  toString(sum(requests)) AS requests, toString(max(requests_reported)) AS requests_reported, toString(sum(cost_nanos)) AS cost_nanos
FROM ${store.database}.provider_usage_current
WHERE ${joinSql(where, ' AND ').text}
GROUP BY day, provider, model, client_id`,
  );
}
