import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { TokenLedgerSpanProcessor } from '../attribution/span-processor.js';

export interface TestTracing {
  provider: NodeTracerProvider;
  exporter: InMemorySpanExporter;
  /** Finished spans, in end order. */
  spans(): ReadableSpan[];
  /** The one finished span with this name (fails otherwise). */
  span(name: string): ReadableSpan;
  shutdown(): Promise<void>;
}

/**
 * A fresh global provider per test file: the attribution processor plus an in-memory exporter,
 * the AsyncLocalStorage context manager and W3C trace-context + baggage propagators.
 */
export function setupTracing(): TestTracing {
  trace.disable();
  context.disable();
  propagation.disable();
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    spanProcessors: [new TokenLedgerSpanProcessor(), new SimpleSpanProcessor(exporter)],
  });
  provider.register();
  return {
    provider,
    exporter,
    spans: () => exporter.getFinishedSpans(),
    span(name) {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}`);
      return found[0]!;
    },
    shutdown: () => provider.shutdown(),
  };
}
