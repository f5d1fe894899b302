import { dashboard, LINES, type Json } from './panel.js';
import { BILLED, MODEL, newestRevisions, RAW_RANGE } from './sql.js';

// Buckets of $__interval_s seconds: the 18.16-safe form of $__timeInterval (no toStartOfInterval there).
const BUCKET = 'toDateTime(intDiv(toUInt32(minute), $__interval_s) * $__interval_s)';
const OUTCOMES = ['received', 'billed', 'ignored', 'unmetered', 'unpriced', 'rejected', 'duplicate'];

export const pipelineHealth: Json = dashboard({
  uid: 'tokenledger-pipeline-health',
  title: 'TokenLedger · Pipeline health',
  description: 'What the receiver did with the spans it was sent, how late they arrive, and models that need a price.',
  time: { from: 'now-6h', to: 'now' },
  panels: [
    {
      title: 'Spans by outcome',
      description: 'Spans in the range: received, billed (one LLM call each), ignored (not GenAI), unmetered (no token usage), unpriced (no price for the model), rejected (bad data), duplicate (re-sent).',
      type: 'stat',
      grid: [0, 0, 24, 4],
      unit: 'short',
      options: { reduceOptions: { calcs: ['lastNotNull'], values: false }, colorMode: 'none', textMode: 'value_and_name' },
      sql: `
SELECT
${OUTCOMES.map((o) => `    sumIf(spans, outcome = '${o}') AS ${o}`).join(',\n')}
FROM ingest_stats
WHERE $__timeFilter(minute)`,
    },
    {
      title: 'Spans per interval',
      description: 'Spans per outcome and time bucket.',
      type: 'timeseries',
      format: 'timeSeries',
      grid: [0, 4, 12, 9],
      unit: 'short',
      custom: LINES,
      sql: `
SELECT ${BUCKET} AS time, outcome, sum(spans) AS spans
FROM ingest_stats
WHERE $__timeFilter(minute)
GROUP BY time, outcome
ORDER BY time, outcome`,
    },
    {
      title: 'Ingest lag',
      description: 'Average time from the end of a billed span to its arrival at the receiver (lag_ms_sum / spans).',
      type: 'timeseries',
      format: 'timeSeries',
      grid: [12, 4, 12, 9],
      unit: 'ms',
      custom: LINES,
      sql: `
SELECT ${BUCKET} AS time, intDiv(sum(lag_ms_sum), greatest(sum(spans), 1)) AS avg_lag_ms
FROM ingest_stats
WHERE $__timeFilter(minute) AND outcome = 'billed'
GROUP BY time
ORDER BY time`,
    },
    {
      title: 'Models seen without a price',
      description: 'Calls that reported token usage for a model the catalog has no price for (at their newest revision: repriced calls drop out). Add an override in tokenledger.yaml, then reprice.',
      type: 'table',
      grid: [0, 13, 24, 8],
      sql: `
SELECT provider, request_model, model, sum(sign) AS calls,
    sum(sign * input_tokens) AS input_tokens, sum(sign * output_tokens) AS output_tokens,
    min(timestamp) AS first_seen, max(timestamp) AS last_seen
FROM
(${newestRevisions(`timestamp, provider, request_model, ${MODEL} AS model, input_tokens, output_tokens`, `${RAW_RANGE} AND ${BILLED} AND priced = 0 AND metered = 1`)}
)
GROUP BY provider, request_model, model
HAVING calls > 0
ORDER BY calls DESC, provider, model`,
    },
  ],
});
