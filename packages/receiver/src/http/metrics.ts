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
  return { registry, spans, received, requests, insertSeconds, batchRows, queueDepth };
}

export type Metrics = ReturnType<typeof createMetrics>;
