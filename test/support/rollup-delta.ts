import type { CallRow } from '../../packages/receiver/src/store/llm-calls.js';

/**
 * Test support only: the dashboard fixture writes a revision's rollup difference by hand, as the
 * receiver's settle stage does (settle/rollup-converge.ts, which reads the difference from ClickHouse).
 *
 * A call's contribution to llm_usage_daily, signed: what the materialized view added for it
 * (migration 0002), so that -before +after keeps the rollup equal to the billed calls.
 */
export function rollupRow(row: CallRow, sign: 1 | -1) {
  const n = (v: number | string | bigint) => String(BigInt(v) * BigInt(sign));
  return {
    day: row.timestamp.slice(0, 10),
    client_id: row.client_id,
    project: row.project,
    feature: row.feature,
    app: row.app,
    environment: row.environment,
    provider: row.provider,
    model: row.response_model || row.request_model,
    calls: sign,
    input_tokens: n(row.input_tokens),
    cached_input_tokens: n(row.cached_input_tokens),
    cache_write_tokens: n(BigInt(row.cache_write_tokens) + BigInt(row.cache_write_1h_tokens)),
    output_tokens: n(row.output_tokens),
    reasoning_tokens: n(row.reasoning_tokens),
    cost_nanos: n(row.cost_nanos),
    unpriced_calls: Number(row.metered) === 1 && Number(row.priced) === 0 ? sign : 0,
    unmetered_calls: Number(row.metered) === 0 ? sign : 0,
    error_calls: row.status === 'error' ? sign : 0,
  };
}

/** The rollup rows that move a call from `before` to `after`; a repeat is never in the rollup. */
export function rollupChange(before: CallRow, after: CallRow) {
  const rows = [];
  if (!before.duplicate_of) rows.push(rollupRow(before, -1));
  if (!after.duplicate_of) rows.push(rollupRow(after, 1));
  return rows;
}
