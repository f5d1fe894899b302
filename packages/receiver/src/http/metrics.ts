import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The receiver's Prometheus metrics, one registry per server (tests run several in one process). */
/** `pendingRows` is read at scrape time for the queue-depth gauge. */
export function createMetrics(pendingRows: () => number = () => 0) {
  const registry = new Registry();
  const spans = new Counter({
    name: 'tokenledger_spans_total',
    help: 'Spans received, by what became of them (billed, ignored, unmetered, unpriced, rejected, duplicate)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const received = new Counter({
    name: 'tokenledger_spans_received_total',
    help: 'Spans received in OTLP requests that were decoded (the sum of every outcome but duplicate)',
    registers: [registry],
  });
  const requests = new Counter({
    name: 'tokenledger_otlp_requests_total',
    help: 'OTLP export requests by HTTP status',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const insertSeconds = new Histogram({
    name: 'tokenledger_insert_duration_seconds',
    help: 'Duration of batch inserts into ClickHouse',
    labelNames: ['result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const batchRows = new Histogram({
    name: 'tokenledger_batch_rows',
    help: 'Rows per insert into llm_calls',
    buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000],
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: 'tokenledger_queue_rows',
    help: 'Rows accepted and not yet stored',
    registers: [registry],
    collect() {
      this.set(pendingRows());
    },
  });
  const journalEntries = new Counter({
    name: 'tokenledger_journal_entries_total',
    help: 'Write-ahead journal entries (docs/receiver.md "Journal"): written (the rows of a request, which is answered from there when that comes before the insert), replayed (stored by the replay after its receiver did not), rejected (refused by ClickHouse for good after the answer)',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const background = backgroundMetrics(registry);
  return { registry, spans, received, requests, insertSeconds, batchRows, queueDepth, journalEntries, ...background };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Background work (settle, billing refresh, alerts): docs/operations.md "Background work". */
function backgroundMetrics(registry: Registry) {
  const settleRuns = new Counter({
    name: 'tokenledger_settle_runs_total',
    help: 'Settle runs by result: ok, overran (the slot ended first; the next run resumes), skipped (another receiver held the lease), failed',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const rollupCorrections = new Counter({
    name: 'tokenledger_rollup_corrections_total',
    help: 'llm_usage_daily rows inserted by settle to make the rollup equal the billed calls (re-sent spans that raced, interrupted runs)',
    registers: [registry],
  });
  const refreshes = new Counter({
    name: 'tokenledger_background_refreshes_total',
    help: 'Background refreshes (budget spend) by result: ok, failed, slow (took longer than its interval; the next one backs off)',
    labelNames: ['task', 'result'] as const,
    registers: [registry],
  });
  const alertsSuppressed = new Counter({
    name: 'tokenledger_alerts_suppressed_total',
    help: 'Alerts not fired because a bound was reached (unpriced models per client and period) or their period is too old or too far ahead',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return { settleRuns, rollupCorrections, refreshes, alertsSuppressed };
}
