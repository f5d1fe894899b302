import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The gateway's Prometheus metrics, one registry per gateway (tests run several in one process). */
export function createGatewayMetrics(inFlight: () => number) {
  const registry = new Registry();
  const requests = new Counter({
    name: 'tokenledger_gateway_requests_total',
    help: 'Requests answered, by provider and HTTP status (refusals included)',
    labelNames: ['provider', 'status'] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: 'tokenledger_gateway_refused_total',
    help: 'Calls refused before anything was sent upstream, by reason (budget_exceeded, budget_unavailable, rate_limit_exceeded, unknown_key, bad_request)',
    labelNames: ['provider', 'reason'] as const,
    registers: [registry],
  });
  const upstreamSeconds = new Histogram({
    name: 'tokenledger_gateway_upstream_duration_seconds',
    help: 'Time from sending a call upstream to its response headers',
    labelNames: ['provider'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const budgetUnavailable = new Counter({
    name: 'tokenledger_gateway_budget_unavailable_total',
    help: 'Calls whose budget could not be read from the receiver with no earlier answer known, by outcome (served, refused) under gateway.budget_unavailable',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'tokenledger_gateway_in_flight',
    help: 'Calls being forwarded now',
    registers: [registry],
    collect() {
      this.set(inFlight());
    },
  });
  return { registry, requests, refused, upstreamSeconds, budgetUnavailable };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
