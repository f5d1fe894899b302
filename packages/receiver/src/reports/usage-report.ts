import { divRoundHalfUp, formatUsd } from '@tokenledger/pricing';
import { z } from 'zod';
import type { StoreClient } from '../clickhouse/store-client.js';
import { billedCallsWhere, TOKEN_SUMS, tokenCounts, type TokenCounts } from '../store/llm-calls.js';
import { rangeSchema } from './report-range.js';

/** group_by keys of /api/v1/usage and the llm_calls expression each one reads. */
export const GROUP_KEYS = {
  client: 'client_id',
  project: 'project',
  feature: 'feature',
  app: 'app',
  environment: 'environment',
  provider: 'provider',
  model: "if(response_model = '', request_model, response_model)",
  day: 'toString(toDate(timestamp))',
  unit_kind: 'unit_kind',
} as const;

export type GroupKey = keyof typeof GROUP_KEYS;

const groupBySchema = z
  .string()
  .default('client')
  .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(Object.keys(GROUP_KEYS) as [GroupKey, ...GroupKey[]])).min(1).max(Object.keys(GROUP_KEYS).length))
  .refine((keys) => new Set(keys).size === keys.length, 'each group_by key once');

export const usageQuerySchema = rangeSchema.and(
  z.object({
    client: z.string().max(256).optional(),
    group_by: groupBySchema,
  }),
);

export type UsageQuery = z.infer<typeof usageQuerySchema>;

export interface UsageRow extends TokenCounts {
  [key: string]: string | number | null | undefined;
  cost_usd: string;
  unpriced_calls: number;
  unmetered_calls: number;
  /** Only when some calls of the row carried a producer's own cost (OpenLIT, OpenInference, Langfuse). */
  producer_cost_calls?: number;
  /** the producers' cost of those calls, summed; never billed */
  producer_cost_usd?: string;
  /** our cost minus the producers' over those same calls: positive = we bill more than they estimated */
  drift_usd?: string;
  /** With group_by=unit_kind: distinct unit ids of the row's calls (a kind without ids, or kind '', has 0). */
  units?: number;
  /** cost_usd / units, rounded half-up to the nano-USD; null when units is 0. */
  cost_per_unit_usd?: string | null;
}

export interface UsageReport {
  from: string;
  to: string;
  group_by: GroupKey[];
  rows: UsageRow[];
}

const MEASURES = `${TOKEN_SUMS},
  toString(sum(cost_nanos)) AS cost_nanos,
  sum(metered = 1 AND priced = 0) AS unpriced_calls,
  sum(metered = 0) AS unmetered_calls,
  countIf(isNotNull(producer_cost_nanos)) AS producer_cost_calls,
  toString(sumIf(assumeNotNull(producer_cost_nanos), isNotNull(producer_cost_nanos))) AS producer_nanos,
  toString(sumIf(input_cost_nanos + cached_input_cost_nanos + cache_write_cost_nanos + output_cost_nanos, isNotNull(producer_cost_nanos))) AS compared_nanos`;

/**
 * Distinct units of the row's calls in the range (docs/billing.md "Units"). Unlike a per-unit
 * invoice, which counts a unit once in the period of its first call (readUnitUsage), a report over
 * any range counts every unit worked on in it: the cost per unit is the range's cost over them.
 */
const UNITS = `uniqExactIf(unit_id, unit_kind != '' AND unit_id != '') AS units`;

/** Exact cost over units, rounded half-up to the nano-USD, as USD text; null for no units. */
export function costPerUnitUsd(costNanos: bigint, units: number): string | null {
  return units === 0 ? null : formatUsd(divRoundHalfUp(costNanos, BigInt(units)));
}

function perUnit(r: Record<string, string>): Partial<UsageRow> {
  const units = Number(r.units ?? 0);
  return { units, cost_per_unit_usd: costPerUnitUsd(BigInt(r.cost_nanos ?? '0'), units) };
}

/** Drift fields (reference §9 rule 12: producer cost is advisory, compared, never billed). */
function drift(r: Record<string, string>): Partial<UsageRow> {
  const calls = Number(r.producer_cost_calls ?? 0);
  if (calls === 0) return {};
  const theirs = BigInt(r.producer_nanos ?? '0');
  // cost_nanos is aliased above, so our cost is summed from its four parts (docs/schema.md).
  return { producer_cost_calls: calls, producer_cost_usd: formatUsd(theirs), drift_usd: formatUsd(BigInt(r.compared_nanos ?? '0') - theirs) };
}

/** Exact usage from raw calls (FINAL: a re-sent span counts once), grouped as asked. */
export async function usageReport(store: StoreClient, query: UsageQuery): Promise<UsageReport> {
  const keys = query.group_by.map((k) => `${GROUP_KEYS[k]} AS ${k}`).join(', ');
  const order = query.group_by.join(', ');
  const byUnit = query.group_by.includes('unit_kind');
  const text = `SELECT ${keys}, ${MEASURES}${byUnit ? `,\n  ${UNITS}` : ''}
FROM ${store.database}.llm_calls FINAL
WHERE ${billedCallsWhere(query).text}
GROUP BY ${order}
ORDER BY ${order}`;
  const raw = await store.queryRows<Record<string, string>>(text);
  const num = (v: string | undefined) => Number(v ?? 0);
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    group_by: query.group_by,
    rows: raw.map((r) => ({
      ...Object.fromEntries(query.group_by.map((k) => [k, r[k] ?? ''])),
      ...tokenCounts(r),
      cost_usd: formatUsd(BigInt(r.cost_nanos ?? '0')),
      unpriced_calls: num(r.unpriced_calls),
      unmetered_calls: num(r.unmetered_calls),
      ...(byUnit ? perUnit(r) : {}),
      ...drift(r),
    })),
  };
}
