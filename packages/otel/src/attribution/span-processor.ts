import { diag, type Context } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { createOtlpExporter, type ExporterOptions } from '../setup/otlp-exporter.js';
import { attributionToAttributes, getAttribution, trustBaggageClient } from './attribution.js';

export interface TokenLedgerSpanProcessorOptions extends ExporterOptions {
  /**
   * Where to send spans. Give `endpoint` (and `headers`) to export to the receiver over OTLP/HTTP,
   * or any SpanExporter. With neither, the processor only stamps attribution and your own
   * exporter or Collector carries the spans.
   */
  exporter?: SpanExporter;
  /** Batch exports (default). `false` exports each span as it ends: for tests and short scripts. */
  batch?: boolean;
  /** Export only the spans this returns true for (default: all). See `isGenAiSpan`. */
  exportFilter?: (span: ReadableSpan) => boolean;
  /** Let incoming W3C baggage name the paying client (default false: see trustBaggageClient). */
  trustBaggageClient?: boolean;
}

/**
 * Stamps the attribution in effect (context value and W3C baggage) on EVERY span at start, so spans
 * from other instrumentations (instrumentation-openai, OpenLLMetry, OpenInference, the AI SDK…)
 * carry tokenledger.client.id without knowing about it. Add it to an existing provider, or let
 * `register()` do so.
 */
export class TokenLedgerSpanProcessor implements SpanProcessor {
  private readonly next: SpanProcessor | undefined;
  private readonly filter: ((span: ReadableSpan) => boolean) | undefined;

  constructor(options: TokenLedgerSpanProcessorOptions = {}) {
    const exporter =
      options.exporter ?? (options.endpoint !== undefined || options.headers !== undefined ? createOtlpExporter(options) : undefined);
    if (exporter !== undefined) {
      this.next = options.batch === false ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
    }
    this.filter = options.exportFilter;
    if (options.trustBaggageClient !== undefined) trustBaggageClient(options.trustBaggageClient);
  }

  onStart(span: Span, parentContext: Context): void {
    try {
      const attributes = attributionToAttributes(getAttribution(parentContext));
      for (const key in attributes) span.setAttribute(key, attributes[key]!);
    } catch (error) {
      diag.warn('tokenledger: could not stamp attribution on a span', error);
    }
    this.next?.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this.next === undefined) return;
    if (this.filter !== undefined && !this.filter(span)) return;
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next?.forceFlush() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.next?.shutdown() ?? Promise.resolve();
  }
}

/** True for spans that may carry LLM usage in any dialect the receiver reads (design.md). */
export function isGenAiSpan(span: ReadableSpan): boolean {
  for (const key in span.attributes) {
    if (key.startsWith('gen_ai.') || key.startsWith('llm.') || key.startsWith('ai.') || key === 'openinference.span.kind') {
      return true;
    }
  }
  return false;
}
