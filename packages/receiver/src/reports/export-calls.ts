import { formatUsd } from '@tokenledger/pricing';
import { z } from 'zod';
import type { StoreClient } from '../clickhouse/store-client.js';
import { safeCsv } from './csv-safe.js';
import { rangeSchema } from './report-range.js';
import { billedCallsWhere } from '../store/llm-calls.js';

export const exportQuerySchema = rangeSchema.and(z.object({ client: z.string().max(256).optional() }));
export type ExportQuery = z.infer<typeof exportQuerySchema>;

const FIELDS = [
  'timestamp', 'trace_id', 'span_id', 'client_id', 'project', 'feature', 'app', 'environment', 'user_id', 'unit_kind', 'unit_id',
  'provider', 'operation', 'request_model', 'response_model', 'service_tier', 'price_key',
  'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'output_tokens', 'reasoning_tokens',
] as const;

const MONEY = ['input_cost_nanos', 'cached_input_cost_nanos', 'cache_write_cost_nanos', 'output_cost_nanos', 'cost_nanos'] as const;
const FLAGS = ['priced', 'metered', 'estimated', 'status', 'duration_ms'] as const;

type RawCall = Record<(typeof FIELDS)[number] | (typeof MONEY)[number] | (typeof FLAGS)[number] | 'iso_time', string> & {
  tag_keys: string[];
  tag_values: string[];
};

/** Money columns in USD at full precision, as design.md asks of per-call figures. */
const moneyHeader = (column: string) => column.replace('_nanos', '_usd');

/**
 * Per-call CSV (RFC 4180) with tokens, cost and every tag as its own `tag.<name>` column, streamed
 * from ClickHouse so a month of calls never sits in memory.
 */
export async function* exportCallsCsv(store: StoreClient, query: ExportQuery): AsyncGenerator<string> {
  const where = billedCallsWhere(query).text;
  const tagRows = await store.queryRows<{ key: string }>(
    `SELECT DISTINCT arrayJoin(tag_keys) AS key FROM ${store.database}.llm_calls WHERE ${where} ORDER BY key`,
  );
  const tagKeys = tagRows.map((r) => r.key);
  yield safeCsv([[...FIELDS, ...MONEY.map(moneyHeader), ...FLAGS, ...tagKeys.map((k) => `tag.${k}`)]]);
  const result = await store.raw.query({
    // The ISO text gets its own alias: reusing `timestamp` would shadow the column in WHERE.
    // Not formatDateTime: its %M is the minute on 18.16 but the month name on current ClickHouse,
    // and %i (the minute there) does not exist on 18.16. toString is the UTC text on both.
    query: `SELECT ${[...FIELDS, ...MONEY, ...FLAGS].map((f) => (f === 'timestamp' ? "concat(replaceOne(toString(timestamp), ' ', 'T'), 'Z') AS iso_time" : f)).join(', ')}, tag_keys, tag_values
FROM ${store.database}.llm_calls FINAL WHERE ${where} ORDER BY timestamp, trace_id, span_id`,
    format: 'JSONEachRow',
  });
  for await (const batch of result.stream<RawCall>()) {
    const lines = batch.map((entry) => {
      const call = entry.json();
      const tags = new Map(call.tag_keys.map((k, i) => [k, call.tag_values[i] ?? '']));
      return [
        ...FIELDS.map((f) => (f === 'timestamp' ? call.iso_time : call[f])),
        ...MONEY.map((m) => formatUsd(BigInt(call[m]))),
        ...FLAGS.map((f) => call[f]),
        ...tagKeys.map((k) => tags.get(k) ?? ''),
      ];
    });
    if (lines.length) yield safeCsv(lines);
  }
}
