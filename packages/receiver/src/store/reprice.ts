import type { Pricer } from '@tokenledger/pricing';
import type { StoreClient } from '../clickhouse/store-client.js';
import { sql } from '../clickhouse/sql.js';
import { priceUsage } from '../ingest/price-call.js';
import { convergeRollup, distinctKeys, markDirty, rollupKeyOf, type RollupKey } from '../settle/rollup-converge.js';
import { holdLease, LeaseBusyError, type LeaseHold, type LeaseOptions } from '../settle/settle-lease.js';
import type { CallRow } from './llm-calls.js';
import { billedCallsWhere, insertCalls, LLM_CALLS } from './llm-calls.js';

/**
 * `tokenledger reprice`: recomputes stored calls with today's catalog and overrides, after a
 * price correction or a new override. A changed call is written again with a higher revision
 * (ReplacingMergeTree keeps the newest), page by page in sorting-key order, and each page's
 * rollup keys are then converged (settle/rollup-converge.ts): marked dirty before the revisions,
 * set to what their calls add up to after. A crash between the two is healed by the next settle
 * run or by running reprice again. With a lease it holds the settle slots for as long as it runs,
 * so settle never rewrites the same rows in between.
 */

export interface RepriceResult {
  examined: number;
  changed: number;
  deltaNanos: bigint;
}

export interface RepriceOptions {
  /** Hold the settle lease (receivers sharing the database): settle and reprice never interleave. */
  lease?: LeaseOptions;
  pageRows?: number;
  /** See convergeRollup. */
  convergeMs?: number;
}

type TokenField = 'input_tokens' | 'cached_input_tokens' | 'cache_write_tokens' | 'cache_write_1h_tokens' | 'output_tokens' | 'reasoning_tokens';
/** A call as read back from ClickHouse: UInt64 columns arrive as decimal strings. */
export type StoredRow = Omit<CallRow, TokenField> & Record<TokenField, number | string>;

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

/**
 * The call priced again for `clientId` (its per-client overrides apply), at its own timestamp,
 * with the next revision. Used by reprice and by settle for a call that inherits a client.
 */
export function repricedCall(pricer: Pricer, row: StoredRow, clientId = row.client_id): CallRow {
  const usage = tokens(row);
  const cost = priceUsage(pricer, {
    provider: row.provider,
    requestModel: row.request_model,
    responseModel: row.response_model,
    usage,
    at: new Date(`${row.timestamp.replace(' ', 'T')}Z`),
    serviceTier: row.service_tier,
    clientId,
  });
  return {
    ...row,
    client_id: clientId,
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

type Cursor = { day: string; trace_id: string; span_id: string };

function page(store: StoreClient, range: { from: Date; to: Date; client?: string | undefined }, after: Cursor | null, limit: number) {
  const past = after
    ? sql` AND (toDate(timestamp) > toDate(${after.day}) OR (toDate(timestamp) = toDate(${after.day}) AND (trace_id > ${after.trace_id} OR (trace_id = ${after.trace_id} AND span_id > ${after.span_id}))))`.text
    : '';
  return store.queryRows<StoredRow>(
    `SELECT * FROM ${store.database}.${LLM_CALLS} FINAL WHERE metered = 1 AND ${billedCallsWhere(range).text}${past}
ORDER BY toDate(timestamp), trace_id, span_id LIMIT ${limit}`,
  );
}

export async function reprice(
  store: StoreClient,
  pricer: Pricer,
  range: { from: Date; to: Date; client?: string | undefined },
  options: RepriceOptions = {},
): Promise<RepriceResult> {
  const hold: LeaseHold | null = options.lease ? await holdLease(store, options.lease) : null;
  if (options.lease && !hold) throw new LeaseBusyError('reprice: another reprice holds the settle lease; try again when it has finished');
  const mayWrite = async () => {
    if (hold && !(await hold.renew())) throw new LeaseBusyError('reprice: lost the settle lease (a page took longer than settle.lease_seconds); run it again to finish');
    return true;
  };
  try {
    return await repricePages(store, pricer, range, options, mayWrite);
  } finally {
    // Unreleased claims lapse with their slots anyway; the reprice outcome matters more.
    await hold?.release().catch(() => undefined);
  }
}

async function repricePages(
  store: StoreClient,
  pricer: Pricer,
  range: { from: Date; to: Date; client?: string | undefined },
  options: RepriceOptions,
  mayWrite: () => Promise<boolean>,
): Promise<RepriceResult> {
  const result: RepriceResult = { examined: 0, changed: 0, deltaNanos: 0n };
  const limit = options.pageRows ?? 5_000;
  let after: Cursor | null = null;
  // A key is converged once the pages have passed its day (its calls are all repriced), so a
  // day of many pages is summed once, not once a page.
  let open: RollupKey[] = [];
  const converge = async (keys: RollupKey[]) => void (await convergeRollup(store, distinctKeys(keys), options.convergeMs ?? 2_000, mayWrite));
  for (;;) {
    const rows = await page(store, range, after, limit);
    if (rows.length === 0) break;
    const changed = rows.map((row) => ({ before: row, after: repricedCall(pricer, row) })).filter((c) => c.after.cost_nanos !== c.before.cost_nanos || c.after.price_key !== c.before.price_key);
    await mayWrite();
    await markDirty(store, distinctKeys(changed.map((c) => rollupKeyOf(c.after))), new Date());
    await insertCalls(store, changed.map((c) => c.after));
    const lastDay = rows.at(-1)!.timestamp.slice(0, 10);
    open = distinctKeys([...open, ...rows.map(rollupKeyOf)]);
    await converge(open.filter((k) => k.day < lastDay));
    open = open.filter((k) => k.day >= lastDay);
    result.examined += rows.length;
    result.changed += changed.length;
    result.deltaNanos += changed.reduce((sum, c) => sum + BigInt(c.after.cost_nanos) - BigInt(c.before.cost_nanos), 0n);
    const last = rows.at(-1)!;
    after = { day: last.timestamp.slice(0, 10), trace_id: last.trace_id, span_id: last.span_id };
    if (rows.length < limit) break;
  }
  await converge(open);
  return result;
}
