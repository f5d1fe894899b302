import type { StoreClient } from '../clickhouse/store-client.js';
import { ident, sql } from '../clickhouse/sql.js';
import { billedCallsWhere } from '../store/llm-calls.js';
import type { BillingPeriod } from './billing-period.js';

/** One provider x model x (priced, metered) group of a client's calls in a period. */
export interface UsageGroup {
  provider: string;
  model: string;
  priced: boolean;
  metered: boolean;
  calls: number;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_nanos: bigint;
}

type RawGroup = Record<Exclude<keyof UsageGroup, 'priced' | 'metered' | 'cost_nanos'>, string> & { priced: string | number; metered: string | number; cost_nanos: string };

/**
 * Exact usage from raw calls, read with FINAL so a re-sent span is billed once (the rollup table
 * may hold a duplicate until ClickHouse merges). The model is the one that answered, else the one asked for.
 */
export async function usageGroups(store: StoreClient, client: string, period: BillingPeriod): Promise<UsageGroup[]> {
  const query = sql`SELECT provider, if(response_model = '', request_model, response_model) AS model, priced, metered,
  toString(count()) AS calls,
  toString(sum(input_tokens)) AS input_tokens,
  toString(sum(cached_input_tokens)) AS cached_input_tokens,
  toString(sum(cache_write_tokens + cache_write_1h_tokens)) AS cache_write_tokens,
  toString(sum(output_tokens)) AS output_tokens,
  toString(sum(reasoning_tokens)) AS reasoning_tokens,
  toString(sum(cost_nanos)) AS cost_nanos
FROM ${ident(store.database)}.llm_calls FINAL
WHERE ${billedCallsWhere({ from: period.start, to: period.end, client })}
GROUP BY provider, model, priced, metered
ORDER BY provider, model, priced, metered`;
  const rows = await store.queryRows<RawGroup>(query.text);
  return rows.map((r) => ({
    provider: r.provider,
    model: r.model,
    priced: Number(r.priced) === 1,
    metered: Number(r.metered) === 1,
    calls: Number(r.calls),
    input_tokens: Number(r.input_tokens),
    cached_input_tokens: Number(r.cached_input_tokens),
    cache_write_tokens: Number(r.cache_write_tokens),
    output_tokens: Number(r.output_tokens),
    reasoning_tokens: Number(r.reasoning_tokens),
    cost_nanos: BigInt(r.cost_nanos),
  }));
}
