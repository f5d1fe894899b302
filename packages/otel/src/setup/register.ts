import type { Attributes } from '@opentelemetry/api';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { TokenLedgerSpanProcessor } from '../attribution/span-processor.js';
import { createOtlpExporter, type ExporterOptions } from './otlp-exporter.js';
import { flushOnExit } from './flush-on-exit.js';

export interface RegisterOptions extends ExporterOptions {
  /** `service.name`; else OTEL_SERVICE_NAME (read by the SDK's env detector). */
  serviceName?: string;
  /** `deployment.environment.name`. */
  environment?: string;
  /** More resource attributes; they win over OTEL_RESOURCE_ATTRIBUTES. */
  resourceAttributes?: Attributes;
  /** Replaces the OTLP exporter (tests, or a console exporter while developing). */
  exporter?: SpanExporter;
  /** `false`: export each span as it ends instead of in batches. */
  batch?: boolean;
  /** Export only the spans this returns true for (default: all). */
  exportFilter?: (span: ReadableSpan) => boolean;
  /** More processors for the same provider. */
  spanProcessors?: SpanProcessor[];
  /** Flush and shut down on SIGTERM and on `beforeExit` (default false: call the returned function). */
  flushOnExit?: boolean;
  /** Let incoming W3C baggage name the paying client; only where every caller is yours (default false). */
  trustBaggageClient?: boolean;
}

/** Flushes and shuts the SDK down; also carries `forceFlush` and the provider. */
export type TokenLedgerShutdown = (() => Promise<void>) & {
  forceFlush: () => Promise<void>;
  tracerProvider: NodeTracerProvider;
};

function buildResource(options: RegisterOptions) {
  const explicit: Attributes = { ...options.resourceAttributes };
  if (options.serviceName !== undefined) explicit['service.name'] = options.serviceName;
  if (options.environment !== undefined) explicit['deployment.environment.name'] = options.environment;
  // The env detector reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; later merges win.
  return defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes(explicit));
}

/**
 * One-line setup for a new app: a Node tracer provider with an OTLP/HTTP protobuf exporter to the
 * TokenLedger receiver (or a Collector), the attribution processor, the AsyncLocalStorage context
 * manager and W3C trace-context + baggage propagation, all registered globally.
 */
export function register(options: RegisterOptions = {}): TokenLedgerShutdown {
  const exporter = options.exporter ?? createOtlpExporter(options);
  const processor = new TokenLedgerSpanProcessor({
    exporter,
    ...(options.batch !== undefined && { batch: options.batch }),
    ...(options.exportFilter !== undefined && { exportFilter: options.exportFilter }),
    ...(options.trustBaggageClient !== undefined && { trustBaggageClient: options.trustBaggageClient }),
  });
  const provider = new NodeTracerProvider({
    resource: buildResource(options),
    spanProcessors: [processor, ...(options.spanProcessors ?? [])],
  });
  provider.register();
  let done: Promise<void> | undefined;
  const shutdown = () => (done ??= provider.shutdown());
  if (options.flushOnExit === true) flushOnExit(shutdown);
  return Object.assign(shutdown, { forceFlush: () => provider.forceFlush(), tracerProvider: provider });
}
