import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { GATEWAY_APP } from '../caps/scoped-caps.js';

export const GATEWAY_SCOPE = '@tokenledger/gateway';
/** ExportResultCode.SUCCESS in @opentelemetry/core. */
const SUCCESS = 0;

/**
 * Hands every exported batch back by span id once the receiver answered: the receiver acknowledges
 * only what it stored, so from then on its budget answer includes those calls.
 */
class AcknowledgingExporter implements SpanExporter {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly inner: SpanExporter,
    private readonly onDone: (spanIds: string[], stored: boolean) => void,
  ) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    let settle = () => undefined as void;
    const exported = new Promise<void>((resolve) => (settle = resolve));
    this.inFlight.add(exported);
    this.inner.export(spans, (result) => {
      this.onDone(
        spans.map((s) => s.spanContext().spanId),
        result.code === SUCCESS,
      );
      this.inFlight.delete(exported);
      settle();
      done(result);
    });
  }

  /**
   * Resolves once every export already handed over has been answered. The batch processor's
   * forceFlush exports what is queued but does not wait for a batch its timer already sent.
   */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export interface SpanPipeline {
  tracer: Tracer;
  /** Sends every finished span and resolves once the receiver answered for all of them. */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface SpanPipelineOptions {
  receiverUrl: string;
  ingestToken: string | undefined;
  onExported(spanIds: string[], stored: boolean): void;
  /** How long a finished span may wait for its batch (default 1000 ms). */
  scheduledDelayMillis?: number;
}

/** The real OpenTelemetry SDK: a batch processor and the OTLP/HTTP protobuf exporter to `<receiver>/v1/traces`. */
export function createSpanPipeline(options: SpanPipelineOptions): SpanPipeline {
  const headers: Record<string, string> = options.ingestToken === undefined ? {} : { authorization: `Bearer ${options.ingestToken}` };
  const exporter = new AcknowledgingExporter(new OTLPTraceExporter({ url: `${options.receiverUrl}/v1/traces`, headers }), options.onExported);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': GATEWAY_APP }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.scheduledDelayMillis ?? 1000, maxQueueSize: 65_536, maxExportBatchSize: 1024 })],
  });
  return {
    tracer: provider.getTracer(GATEWAY_SCOPE),
    async forceFlush() {
      await provider.forceFlush();
      await exporter.settled();
    },
    async shutdown() {
      // A failed export rejects the flush; it is already reported (onExported, not stored), and a
      // receiver that is down must not turn a graceful stop into a crash.
      await provider.forceFlush().catch(() => undefined);
      await exporter.settled();
      await provider.shutdown();
    },
  };
}
