import type { StoreClient } from '../clickhouse/store-client.js';
import { ident, sql, SqlFragment } from '../clickhouse/sql.js';
import { billedCallsWhere, TOKEN_SUMS, tokenCounts, type TokenCounts } from '../store/llm-calls.js';
import type { BillingPeriod } from './billing-period.js';

/** One provider x model x (priced, metered) group of a client's calls in a period. */
export interface UsageGroup extends TokenCounts {
  provider: string;
  model: string;
  priced: boolean;
  metered: boolean;
  cost_nanos: bigint;
  /** Set on groups billed from the provider's usage report, not from tracked calls (reconcile/provider-invoice-lines.ts). */
  source?: 'provider_report';
}

type RawGroup = Record<Exclude<keyof UsageGroup, 'priced' | 'metered' | 'cost_nanos'>, string> & { priced: string | number; metered: string | number; cost_nanos: string };

/**
 * Exact usage from raw calls, read with FINAL so a re-sent span is billed once (the rollup table
 * may hold a duplicate until ClickHouse merges). The model is the one that answered, else the one asked for.
 */
export async function usageGroups(store: StoreClient, client: string, period: BillingPeriod): Promise<UsageGroup[]> {
  const query = sql`SELECT provider, if(response_model = '', request_model, response_model) AS model, priced, metered,
  ${new SqlFragment(TOKEN_SUMS)},
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
    ...tokenCounts(r),
    cost_nanos: BigInt(r.cost_nanos),
  }));
}
