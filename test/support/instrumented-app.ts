import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { TokenLedgerSpanProcessor } from '../../packages/otel/src/index.js';
import { settle } from '../../packages/receiver/src/settle/index.js';
import type { TestReceiver } from './receiver.js';

/**
 * An app as users wire one: the global NodeTracerProvider (AsyncLocalStorage context), our span
 * processor stamping the attribution in effect on every span, and the real OTLP/protobuf exporter
 * sending to the real receiver. `bill()` flushes, settles once, and reads GET /api/v1/usage.
 */
export interface InstrumentedApp {
  provider: NodeTracerProvider;
  /** Flush spans, run settle once, return { client: [calls, cost_usd] }. */
  bill(): Promise<Record<string, [number, string]>>;
  shutdown(): Promise<void>;
}

export function startInstrumentedApp(r: TestReceiver): InstrumentedApp {
  trace.disable();
  context.disable();
  propagation.disable();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'instrumented-app' }),
    spanProcessors: [new TokenLedgerSpanProcessor(), new BatchSpanProcessor(new OTLPTraceExporter({ url: `${r.url}/v1/traces` }))],
  });
  provider.register();
  return {
    provider,
    async bill() {
      await provider.forceFlush();
      await settle(r.server.receiver.store, { now: new Date(), windowMs: 3_600_000, pricer: r.server.receiver.pricer });
      const res = await fetch(`${r.url}/api/v1/usage?from=2020-01-01&to=2100-01-01&group_by=client`);
      const body = (await res.json()) as { rows: Array<{ client: string; calls: number; cost_usd: string }> };
      return Object.fromEntries(body.rows.map((row) => [row.client, [row.calls, row.cost_usd]]));
    },
    shutdown: () => provider.shutdown(),
  };
}
