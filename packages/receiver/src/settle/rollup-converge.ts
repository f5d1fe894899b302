/**
 * Keeps llm_usage_daily equal to the billed calls by setting each rollup key to what its calls
 * add up to, instead of adding deltas that can be lost or doubled. Three things put the rollup off
 * and all three heal the same way:
 * - a re-sent span that raced past the already-stored check (two receivers, a retry after a
 *   client timeout): FINAL folds the two rows in llm_calls, the materialized view added both;
 * - a crash between writing call revisions and correcting the rollup (the keys were marked dirty
 *   before the revisions were written, see markDirty);
 * - an insert whose llm_calls part was written but whose view insert failed.
 *
 * Reading both tables is not one snapshot: an insert in flight may be visible in llm_calls and
 * not yet in the rollup (the view is written right after its source part). So the difference is
 * read twice, `settleMs` apart, and only rows that are the same in both reads are corrected; an
 * insert in flight across both reads would have to stall longer than `settleMs`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoreClient } from '../clickhouse/store-client.js';
import { quoteString } from '../clickhouse/sql.js';
import { dateTimeText, LLM_CALLS } from '../store/llm-calls.js';

/** llm_usage_daily's sorting key (migration 0002). */
export interface RollupKey {
  day: string;
  client_id: string;
  project: string;
  feature: string;
  app: string;
  environment: string;
  provider: string;
  model: string;
}

const KEY = ['day', 'client_id', 'project', 'feature', 'app', 'environment', 'provider', 'model'] as const;
const MEASURES = ['calls', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_nanos', 'unpriced_calls', 'unmetered_calls', 'error_calls'] as const;
export const ROLLUP_DIRTY = 'rollup_dirty';

type KeyFields = Pick<RollupKey, Exclude<keyof RollupKey, 'day' | 'model'>> & { timestamp: string; request_model: string; response_model: string };

export function rollupKeyOf(call: KeyFields): RollupKey {
  const { client_id, project, feature, app, environment, provider } = call;
  return { day: call.timestamp.slice(0, 10), client_id, project, feature, app, environment, provider, model: call.response_model || call.request_model };
}

export function distinctKeys(keys: Iterable<RollupKey>): RollupKey[] {
  const byText = new Map<string, RollupKey>();
  for (const k of keys) byText.set(KEY.map((c) => k[c]).join('\u0000'), k);
  return [...byText.values()];
}

/** Written before call revisions, so a crash between the revisions and the correction is healed. */
export async function markDirty(store: StoreClient, keys: readonly RollupKey[], at: Date): Promise<void> {
  if (keys.length) await store.insertRows(`${store.database}.${ROLLUP_DIRTY}`, keys.map((k) => ({ ...k, marked_at: dateTimeText(at) })));
}

export async function dirtyKeys(store: StoreClient, since: Date): Promise<RollupKey[]> {
  return store.queryRows<RollupKey>(
    `SELECT DISTINCT toString(day) AS day, client_id, project, feature, app, environment, provider, model FROM ${store.database}.${ROLLUP_DIRTY} WHERE marked_at >= ${quoteString(dateTimeText(since))}`,
  );
}

type Difference = RollupKey & Record<(typeof MEASURES)[number], string>;

// Inner columns are named d_*: an outer alias equal to a column name would shadow it in HAVING.
const callMeasures = `toInt64(count()) AS d_calls, toInt64(sum(input_tokens)) AS d_input_tokens, toInt64(sum(cached_input_tokens)) AS d_cached_input_tokens,
  toInt64(sum(cache_write_tokens + cache_write_1h_tokens)) AS d_cache_write_tokens, toInt64(sum(output_tokens)) AS d_output_tokens,
  toInt64(sum(reasoning_tokens)) AS d_reasoning_tokens, toInt64(sum(cost_nanos)) AS d_cost_nanos, toInt64(sum(metered = 1 AND priced = 0)) AS d_unpriced_calls,
  toInt64(sum(metered = 0)) AS d_unmetered_calls, toInt64(sum(status = 'error')) AS d_error_calls`;

/** billed calls minus rollup, per key of `keys`, where they differ. */
async function differences(store: StoreClient, keys: readonly RollupKey[]): Promise<Difference[]> {
  const db = store.database;
  const days = [...new Set(keys.map((k) => k.day))].map((d) => `toDate(${quoteString(d)})`).join(', ');
  const inKeys = `IN (SELECT ${KEY.join(', ')} FROM rollup_keys)`;
  return store.queryWithTable<Difference>(
    `SELECT toString(day) AS day, client_id, project, feature, app, environment, provider, model,
  ${MEASURES.map((m) => `toString(sum(d_${m})) AS ${m}`).join(', ')}
FROM (
  SELECT toDate(timestamp) AS day, client_id, project, feature, app, environment, provider, if(response_model = '', request_model, response_model) AS model, ${callMeasures}
  FROM ${db}.${LLM_CALLS} FINAL
  WHERE toDate(timestamp) IN (${days}) AND duplicate_of = ''
    AND (toDate(timestamp), client_id, project, feature, app, environment, provider, if(response_model = '', request_model, response_model)) ${inKeys}
  GROUP BY day, client_id, project, feature, app, environment, provider, model
  UNION ALL
  SELECT day, client_id, project, feature, app, environment, provider, model, ${MEASURES.map((m) => `-sum(${m}) AS d_${m}`).join(', ')}
  FROM ${db}.llm_usage_daily
  WHERE day IN (${days}) AND (${KEY.join(', ')}) ${inKeys}
  GROUP BY day, client_id, project, feature, app, environment, provider, model
)
GROUP BY day, client_id, project, feature, app, environment, provider, model
HAVING ${MEASURES.map((m) => `sum(d_${m}) != 0`).join(' OR ')}`,
    { name: 'rollup_keys', structure: 'day Date, client_id String, project String, feature String, app String, environment String, provider String, model String', rows: keys.map((k) => KEY.map((c) => k[c])) },
  );
}

/**
 * Sets the rollup of `keys` to their billed calls; returns the rollup rows inserted as corrections,
 * or null when `mayWrite` said no (the lease ended while the difference settled): nothing written.
 * Run by one process at a time (settle lease): two runs reading the same difference would both add it.
 */
export async function convergeRollup(store: StoreClient, keys: readonly RollupKey[], settleMs: number, mayWrite: () => Promise<boolean> = async () => true): Promise<number | null> {
  if (keys.length === 0) return 0;
  const first = await differences(store, keys);
  if (first.length === 0) return 0;
  await sleep(settleMs);
  const seen = new Set(first.map((d) => JSON.stringify(d)));
  const stable = (await differences(store, keys)).filter((d) => seen.has(JSON.stringify(d)));
  if (stable.length === 0) return 0;
  if (!(await mayWrite())) return null;
  await store.insertRows(`${store.database}.llm_usage_daily`, stable);
  return stable.length;
}
