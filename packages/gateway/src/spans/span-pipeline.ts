import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export const GATEWAY_SCOPE = '@tokenledger/gateway';
/** ExportResultCode.SUCCESS in @opentelemetry/core. */
const SUCCESS = 0;

/**
 * Hands every exported batch back by span id once the receiver answered: the receiver acknowledges
 * only what it stored, so from then on its budget answer includes those calls.
 */
class AcknowledgingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly onDone: (spanIds: string[], stored: boolean) => void,
  ) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans, (result) => {
      this.onDone(
        spans.map((s) => s.spanContext().spanId),
        result.code === SUCCESS,
      );
      done(result);
    });
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
    resource: resourceFromAttributes({ 'service.name': 'tokenledger-gateway' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.scheduledDelayMillis ?? 1000, maxQueueSize: 65_536, maxExportBatchSize: 1024 })],
  });
  return {
    tracer: provider.getTracer(GATEWAY_SCOPE),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
