import type { Pricer } from '@tokenledger/pricing';
import type { StoreClient } from '../clickhouse/store-client.js';
import { priceUsage } from '../ingest/price-call.js';
import type { CallCost } from '../ingest/call-row.js';
import type { CallRow } from './llm-calls.js';
import { billedCallsWhere, insertCalls, LLM_CALLS } from './llm-calls.js';

/**
 * `tokenledger reprice`: recomputes stored calls with today's catalog and overrides, after a
 * price correction or a new override. A changed call is written again with a higher revision
 * (ReplacingMergeTree keeps the newest), and the difference goes into llm_usage_daily directly
 * (its materialized view takes first writes only), so the rollup keeps equalling the calls.
 *
 * The two inserts are not atomic: if the process dies between them, the calls are right and
 * the rollup is not; docs/receiver.md says how to rebuild a month's rollup.
 */

export interface RepriceResult {
  examined: number;
  changed: number;
  deltaNanos: bigint;
}

type StoredRow = Omit<CallRow, 'input_tokens' | 'cached_input_tokens' | 'cache_write_tokens' | 'cache_write_1h_tokens' | 'output_tokens' | 'reasoning_tokens'> &
  Record<'input_tokens' | 'cached_input_tokens' | 'cache_write_tokens' | 'cache_write_1h_tokens' | 'output_tokens' | 'reasoning_tokens', string>;

function tokens(row: StoredRow) {
  return {
    inputTokens: Number(row.input_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    cacheWrite1hTokens: Number(row.cache_write_1h_tokens),
    outputTokens: Number(row.output_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
  };
}

function repriced(row: StoredRow, cost: CallCost | null): CallRow {
  const usage = tokens(row);
  return {
    ...row,
    input_tokens: usage.inputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    cache_write_tokens: usage.cacheWriteTokens,
    cache_write_1h_tokens: usage.cacheWrite1hTokens,
    output_tokens: usage.outputTokens,
    reasoning_tokens: usage.reasoningTokens,
    price_key: cost?.priceKey ?? '',
    input_cost_nanos: String(cost?.inputNanos ?? 0n),
    cached_input_cost_nanos: String(cost?.cachedInputNanos ?? 0n),
    cache_write_cost_nanos: String(cost?.cacheWriteNanos ?? 0n),
    output_cost_nanos: String(cost?.outputNanos ?? 0n),
    cost_nanos: String(cost?.totalNanos ?? 0n),
    priced: cost ? 1 : 0,
    revision: Number(row.revision) + 1,
  };
}

function rollupDelta(before: StoredRow, after: CallRow) {
  return {
    day: before.timestamp.slice(0, 10),
    client_id: before.client_id,
    project: before.project,
    feature: before.feature,
    app: before.app,
    environment: before.environment,
    provider: before.provider,
    model: before.response_model || before.request_model,
    cost_nanos: String(BigInt(after.cost_nanos) - BigInt(before.cost_nanos)),
    unpriced_calls: Number(before.priced) - after.priced,
  };
}

export async function reprice(store: StoreClient, pricer: Pricer, range: { from: Date; to: Date; client?: string | undefined }): Promise<RepriceResult> {
  const rows = await store.queryRows<StoredRow>(
    `SELECT * FROM ${store.database}.${LLM_CALLS} FINAL WHERE metered = 1 AND ${billedCallsWhere(range).text}`,
  );
  const changed: Array<{ before: StoredRow; after: CallRow }> = [];
  for (const row of rows) {
    const cost = priceUsage(pricer, {
      provider: row.provider,
      requestModel: row.request_model,
      responseModel: row.response_model,
      usage: tokens(row),
      at: new Date(`${row.timestamp.replace(' ', 'T')}Z`),
      serviceTier: row.service_tier,
      clientId: row.client_id,
    });
    const after = repriced(row, cost);
    if (after.cost_nanos !== row.cost_nanos || after.price_key !== row.price_key) changed.push({ before: row, after });
  }
  await insertCalls(store, changed.map((c) => c.after));
  if (changed.length) await store.insertRows(`${store.database}.llm_usage_daily`, changed.map((c) => rollupDelta(c.before, c.after)));
  const deltaNanos = changed.reduce((sum, c) => sum + BigInt(c.after.cost_nanos) - BigInt(c.before.cost_nanos), 0n);
  return { examined: rows.length, changed: changed.length, deltaNanos };
}
