import type { StoreClient } from '../clickhouse/store-client.js';
import { sql } from '../clickhouse/sql.js';
import { billedCallsWhere } from '../store/llm-calls.js';

export interface TrackedSums {
  day: string;
  provider: string;
  /** The raw model name; the report resolves it as it resolves the provider's names. */
  name: string;
  client_id: string;
  calls: string;
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  output_tokens: string;
  cost_nanos: string;
}

/**
 * Tracked calls per day, provider, model name and client, from the raw calls as every billed
 * figure is (FINAL, settle's repeats left out), for the providers that reconciliation covers:
 * those with at least one import (Gemini calls are not "missing from" a bill nobody imported).
 */
export async function trackedSums(store: StoreClient, filter: { from: Date; to: Date; provider?: string | undefined }): Promise<TrackedSums[]> {
  const providers = filter.provider === undefined ? `provider IN (SELECT DISTINCT provider FROM ${store.database}.provider_imports)` : sql`provider = ${filter.provider}`.text;
  return store.queryRows<TrackedSums>(
    `SELECT toDate(timestamp) AS day, provider, if(response_model = '', request_model, response_model) AS name, client_id,
  toString(count()) AS calls, toString(sum(input_tokens)) AS input_tokens, toString(sum(cached_input_tokens)) AS cached_input_tokens,
  toString(sum(cache_write_tokens + cache_write_1h_tokens)) AS cache_write_tokens, toString(sum(output_tokens)) AS output_tokens,
  toString(sum(cost_nanos)) AS cost_nanos
FROM ${store.database}.llm_calls FINAL
WHERE ${billedCallsWhere(filter).text} AND ${providers}
GROUP BY day, provider, name, client_id`,
  );
}
