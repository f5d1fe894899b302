import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { DemoCall } from './demo-traffic.js';

/**
 * Sends the demo calls as spans through the real OpenTelemetry SDK and OTLP/HTTP protobuf
 * exporter, one provider per app, exactly as an instrumented service would.
 */
export async function sendDemoSpans(endpoint: string, calls: DemoCall[], headers: Record<string, string> = {}): Promise<void> {
  const byApp = new Map<string, DemoCall[]>();
  for (const call of calls) {
    const key = `${call.resource.app}|${call.resource.environment}`;
    byApp.set(key, [...(byApp.get(key) ?? []), call]);
  }
  for (const [key, group] of byApp) {
    const [app, environment] = key.split('|') as [string, string];
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': app, 'deployment.environment.name': environment }),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces`, headers }), {
          maxExportBatchSize: 512,
          maxQueueSize: group.length + 1,
          scheduledDelayMillis: 50,
        }),
      ],
    });
    const tracer = provider.getTracer('@tokenledger/otel', '0.1.0');
    for (const call of group) {
      const name = `${String(call.attributes['gen_ai.operation.name'])} ${String(call.attributes['gen_ai.request.model'])}`;
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: call.attributes, startTime: call.startTime });
      span.end(new Date(call.startTime.getTime() + call.durationMs));
    }
    await provider.forceFlush();
    await provider.shutdown();
  }
}
