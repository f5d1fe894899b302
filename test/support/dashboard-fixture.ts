import type { StoreClient } from '../../packages/receiver/src/clickhouse/store-client.js';
import { storeCalls } from '../../packages/receiver/src/ingest/store-calls.js';
import { rollupChange } from './rollup-delta.js';
import { insertCalls, type CallRow } from '../../packages/receiver/src/store/llm-calls.js';
import { sampleRow } from './sample-call-row.js';

/**
 * A small, hand-countable month for the dashboard tests: October 2026 (the range), September
 * (the previous period), one call in November (outside). test/dashboards-queries.test.ts states the
 * expected figures worked out by hand from these rows.
 *
 * Prices in nano-USD per token: gpt-4o input 2500, cache read 1250, output 10000;
 * claude-sonnet-4 input 3000, cache read 300, cache write 3750, output 15000.
 */
const GPT = { provider: 'openai', request_model: 'gpt-4o', response_model: 'gpt-4o-2024-08-06', price_key: 'openai/gpt-4o@2024-05-13', in: 2500, read: 1250, write: 0, out: 10000 };
const CLAUDE = { provider: 'anthropic', request_model: 'claude-sonnet-4', response_model: 'claude-sonnet-4-20250514', price_key: 'anthropic/claude-sonnet-4@2025-05-14', in: 3000, read: 300, write: 3750, out: 15000 };
type Model = typeof GPT;

interface Call {
  n: number;
  at: string;
  client: string;
  model: Model;
  input: number;
  cached?: number;
  written?: number;
  output: number;
  over?: Partial<CallRow>;
}

function row({ n, at, client, model, input, cached = 0, written = 0, output, over = {} }: Call): CallRow {
  const costs = [(input - cached - written) * model.in, cached * model.read, written * model.write, output * model.out];
  const { in: _in, read: _read, write: _write, out: _out, ...names } = model;
  return sampleRow({
    ...names,
    timestamp: at,
    received_at: at,
    span_id: n.toString(16).padStart(16, '0'),
    client_id: client,
    input_tokens: input,
    cached_input_tokens: cached,
    cache_write_tokens: written,
    output_tokens: output,
    input_cost_nanos: String(costs[0]),
    cached_input_cost_nanos: String(costs[1]),
    cache_write_cost_nanos: String(costs[2]),
    output_cost_nanos: String(costs[3]),
    cost_nanos: String(costs.reduce((a, b) => a + b, 0)),
    ...over,
  });
}

const unpriced = { provider: 'openai', request_model: 'ft:gpt-4o:acme', response_model: 'ft:gpt-4o:acme', price_key: '', in: 0, read: 0, write: 0, out: 0 };

export const calls: CallRow[] = [
  row({ n: 1, at: '2026-10-02 10:00:00', client: 'acme', model: GPT, input: 1000, cached: 400, output: 200 }), // 4,000,000
  row({ n: 2, at: '2026-10-05 11:00:00', client: 'acme', model: CLAUDE, input: 2000, cached: 1000, written: 200, output: 500, over: { project: 'search', feature: 'chat' } }), // 10,950,000
  row({ n: 3, at: '2026-10-20 12:00:00', client: 'acme', model: GPT, input: 500, output: 200, over: { app: 'worker' } }), // 3,250,000
  row({ n: 4, at: '2026-10-03 09:00:00', client: 'globex', model: GPT, input: 10000, output: 1000 }), // 35,000,000
  row({ n: 5, at: '2026-10-10 09:00:00', client: 'globex', model: CLAUDE, input: 3000, cached: 3000, output: 100 }), // 2,400,000, all from cache
  row({ n: 6, at: '2026-10-04 08:00:00', client: '', model: GPT, input: 500, output: 200 }), // unattributed 3,250,000
  row({ n: 7, at: '2026-10-06 08:00:00', client: 'acme', model: unpriced, input: 700, output: 70, over: { priced: 0 } }), // unpriced
  row({ n: 8, at: '2026-10-07 08:00:00', client: 'globex', model: GPT, input: 0, output: 0, over: { priced: 0, metered: 0 } }), // unmetered
  row({ n: 9, at: '2026-10-11 08:00:00', client: 'initech', model: GPT, input: 500, output: 200 }), // not in config, 3,250,000
  // First priced at double the input and cache prices (80,000,000); repriced below to 42,500,000.
  row({ n: 10, at: '2026-10-09 15:00:00', client: 'acme', model: { ...GPT, in: 5000, read: 2500 }, input: 20000, cached: 10000, output: 500 }),
  row({ n: 11, at: '2026-09-15 10:00:00', client: 'acme', model: GPT, input: 4000, output: 1500 }), // 25,000,000
  row({ n: 12, at: '2026-09-20 10:00:00', client: 'globex', model: GPT, input: 500, output: 200 }), // 3,250,000
  row({ n: 13, at: '2026-11-02 10:00:00', client: 'acme', model: GPT, input: 500, output: 200 }), // November: outside
  // A wrapper span repeating call 1's usage (12,500,000); settle marks it below, so it is never billed.
  row({ n: 14, at: '2026-10-12 10:00:00', client: 'acme', model: GPT, input: 1000, output: 1000 }),
];

/** Call 10 at its right price (42,500,000) and call 14 marked a duplicate, both as revision 1. */
const revised: CallRow[] = [
  { ...row({ n: 10, at: '2026-10-09 15:00:00', client: 'acme', model: GPT, input: 20000, cached: 10000, output: 500 }), revision: 1 },
  { ...calls[13]!, duplicate_of: '0000000000000001', revision: 1 },
];

export async function seedDashboardFixture(store: StoreClient): Promise<void> {
  const db = store.database;
  await storeCalls(store, calls);
  await storeCalls(store, [calls[0]!]); // an exporter retry: dropped, as in production
  // As repricing and settle store a change: a new revision, and the difference in the rollup.
  await insertCalls(store, revised);
  await store.insertRows(`${db}.llm_usage_daily`, [...rollupChange(calls[9]!, revised[0]!), ...rollupChange(calls[13]!, revised[1]!)]);
  await store.insertRows(`${db}.clients`, [
    { id: 'acme', name: 'Acme Corp', markup_bp: 2500, monthly_budget_nanos: '50000000', alert_thresholds_pct: [50, 80, 100], hard_cap: 1, in_config: 1, updated_at: '2026-10-01 00:00:00' },
    // Globex's billing periods start on the 5th: its October period runs from 5 October.
    { id: 'globex', name: 'Globex', markup_bp: 1000, monthly_budget_nanos: '75000000', alert_thresholds_pct: [80, 100], hard_cap: 0, in_config: 1, period_start_day: 5, updated_at: '2026-10-01 00:00:00' },
  ]);
  await store.insertRows(`${db}.ingest_stats`, [
    ...[['received', 10, 0], ['billed', 6, 6000], ['ignored', 3, 0], ['unmetered', 1, 0]].map(([outcome, spans, lag]) => ({ minute: '2026-10-10 12:00:00', outcome, spans, lag_ms_sum: lag })),
    ...[['billed', 4, 2000], ['rejected', 1, 0], ['unpriced', 1, 0], ['duplicate', 2, 0]].map(([outcome, spans, lag]) => ({ minute: '2026-10-10 12:01:00', outcome, spans, lag_ms_sum: lag })),
    { minute: '2026-11-01 00:00:00', outcome: 'billed', spans: 99, lag_ms_sum: 99 },
  ]);
}
