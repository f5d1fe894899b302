import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * An OTLP protobuf request (the official serializer's bytes) of `spans` spans at 253 attributes
 * each, values short and varied: the most decoded objects per byte a request can carry within
 * the receiver's per-span attribute limit (256). For memory benchmarks and the route fuzz test.
 */
export function wideSpansRequest(spans: number): Uint8Array {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'hostile' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('hostile');
  for (let s = 0; s < spans; s++) {
    const attributes: Record<string, string> = { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': `model-${s % 997}`, 'tokenledger.client.id': `c-${s}` };
    for (let a = 0; a < 250; a++) attributes[`tokenledger.tag.k${a}`] = `value-${(s * 31 + a) % 10_007}`;
    tracer.startSpan(`s${s}`, { attributes }).end();
  }
  return ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
}
