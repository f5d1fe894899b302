import { formatUsd, type Pricer } from '@tokenledger/pricing';
import { z } from 'zod';
import type { StoreClient } from '../clickhouse/store-client.js';
import { rangeSchema } from '../reports/report-range.js';
import { modelResolver } from './model-key.js';
import { providerSums } from './provider-usage-table.js';
import { formatPct, rowDrift, type ReconcileStatus } from './reconciliation-status.js';
import { trackedSums } from './tracked-sums.js';

export const RECONCILE_KEYS = ['day', 'provider', 'model', 'client'] as const;
export type ReconcileKey = (typeof RECONCILE_KEYS)[number];

const wholeDay = (d: unknown) => !(d instanceof Date) || d.getTime() % 86_400_000 === 0;

/** Both sides are compared per UTC day, so `from` and `to` are days (midnight UTC), `to` exclusive. */
export const reconcileQuerySchema = rangeSchema
  .refine((r) => wholeDay(r.from) && wholeDay(r.to), { message: 'reconciliation compares whole UTC days: from and to are dates (YYYY-MM-DD)', path: ['from'] })
  .and(
  z.object({
    provider: z.string().min(1).max(64).optional(),
    group_by: z
      .string()
      .default('day,provider,model')
      .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.enum(RECONCILE_KEYS)).min(1).max(4))
      .refine((keys) => new Set(keys).size === keys.length, 'each group_by key once'),
  }),
);
export type ReconcileQuery = z.infer<typeof reconcileQuerySchema>;

export interface ReconcileRow {
  [key: string]: string | number | null;
  provider_cost_usd: string | null;
  tracked_cost_usd: string;
  drift_usd: string | null;
  drift_pct: string | null;
  provider_input_tokens: number | null;
  tracked_input_tokens: number;
  provider_cached_input_tokens: number | null;
  tracked_cached_input_tokens: number;
  provider_cache_write_tokens: number | null;
  tracked_cache_write_tokens: number;
  provider_output_tokens: number | null;
  tracked_output_tokens: number;
  provider_requests: number | null;
  tracked_calls: number;
  status: ReconcileStatus;
}

export interface ReconcileReport {
  from: string;
  to: string;
  group_by: ReconcileKey[];
  rows: ReconcileRow[];
}

const BUCKETS = ['input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens'] as const;
type Side = Record<(typeof BUCKETS)[number], bigint> & { cost: bigint; count: bigint };
const emptySide = (): Side => ({ input_tokens: 0n, cached_input_tokens: 0n, cache_write_tokens: 0n, output_tokens: 0n, cost: 0n, count: 0n });

interface Group {
  keys: Record<ReconcileKey, string>;
  provider: Side | null;
  /** Any provider row of the group reported requests. */
  requestsReported: boolean;
  tracked: Side;
}

function add(side: Side, r: Record<(typeof BUCKETS)[number] | 'cost_nanos', string>, count: string): void {
  for (const b of BUCKETS) side[b] += BigInt(r[b]);
  side.cost += BigInt(r.cost_nanos);
  side.count += BigInt(count);
}

function toRow(query: ReconcileQuery, g: Group, tolerancePct: number): ReconcileRow {
  const p = g.provider;
  const drift = rowDrift(p ? p.cost : null, g.tracked.cost, Number(g.tracked.count), tolerancePct);
  const tokens = Object.fromEntries(
    BUCKETS.flatMap((b) => [
      [`provider_${b}`, p ? Number(p[b]) : null],
      [`tracked_${b}`, Number(g.tracked[b])],
    ]),
  );
  return {
    ...Object.fromEntries(query.group_by.map((k) => [k, g.keys[k]])),
    provider_cost_usd: p ? formatUsd(p.cost) : null,
    tracked_cost_usd: formatUsd(g.tracked.cost),
    drift_usd: drift.drift_nanos === null ? null : formatUsd(drift.drift_nanos),
    drift_pct: drift.drift_bp === null ? null : formatPct(drift.drift_bp),
    ...tokens,
    provider_requests: p && g.requestsReported ? Number(p.count) : null,
    tracked_calls: Number(g.tracked.count),
    status: drift.status,
  } as ReconcileRow;
}

/**
 * GET /api/v1/reconciliation: the provider's figures and the tracked ones side by side, per key of
 * group_by. Both sides are summed per (day, provider, model, client) in ClickHouse; the model names
 * meet here, through the pricing matcher, and the groups asked for are summed from those.
 */
export async function reconciliationReport(store: StoreClient, pricer: Pricer, query: ReconcileQuery, tolerancePct: number): Promise<ReconcileReport> {
  const [provided, tracked] = await Promise.all([providerSums(store, query), trackedSums(store, query)]);
  const model = modelResolver(pricer);
  const groups = new Map<string, Group>();
  const group = (keys: Record<ReconcileKey, string>) => {
    const id = query.group_by.map((k) => keys[k]).join('\u0000');
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { keys, provider: null, requestsReported: false, tracked: emptySide() }));
    return g;
  };
  for (const r of provided) {
    const g = group({ day: r.day, provider: r.provider, model: r.model, client: r.client_id });
    add((g.provider ??= emptySide()), r, r.requests);
    g.requestsReported ||= r.requests_reported === '1';
  }
  for (const r of tracked) add(group({ day: r.day, provider: r.provider, model: model(r.provider, r.name), client: r.client_id }).tracked, r, r.calls);
  const rows = [...groups.values()]
    .sort((a, b) => {
      for (const k of query.group_by) if (a.keys[k] !== b.keys[k]) return a.keys[k] < b.keys[k] ? -1 : 1;
      return 0;
    })
    .map((g) => toRow(query, g, tolerancePct));
  return { from: query.from.toISOString(), to: query.to.toISOString(), group_by: query.group_by, rows };
}
