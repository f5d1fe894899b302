import type { Attributes } from '@opentelemetry/api';
import { SpanKind, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

/** GenAI semantic-convention attributes of one chat call, as our SDK emits them. */
export function chatAttributes(overrides: Attributes = {}): Attributes {
  return {
    'gen_ai.provider.name': 'openai',
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
    'gen_ai.usage.input_tokens': 500,
    'gen_ai.usage.output_tokens': 200,
    'tokenledger.client.id': 'acme',
    ...overrides,
  };
}

/**
 * Emits spans through a real OpenTelemetry SDK and exporter, exactly as an app would, and
 * flushes them. Returns the exporter's result after the flush.
 */
export async function emitSpans(
  exporter: SpanExporter,
  spans: Array<{ name?: string; attributes: Attributes; startTime?: Date }>,
  resource: Attributes = { 'service.name': 'test-app', 'deployment.environment.name': 'test' },
): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 10_000, maxQueueSize: 100_000 })],
  });
  const tracer = provider.getTracer('@tokenledger/otel', '0.1.0');
  for (const s of spans) {
    const start = s.startTime ?? new Date();
    const span = tracer.startSpan(s.name ?? `chat ${String(s.attributes['gen_ai.request.model'] ?? '')}`, { kind: SpanKind.CLIENT, attributes: s.attributes, startTime: start }, undefined);
    span.end(new Date(start.getTime() + 1200));
  }
  await provider.forceFlush();
  await provider.shutdown();
  void trace;
}
