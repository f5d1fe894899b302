import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const MODELS = [
  ['openai', 'gpt-4o', 'gpt-4o-2024-08-06'],
  ['openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
  ['anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'],
  ['gcp.gemini', 'gemini-2.5-flash', 'gemini-2.5-flash'],
] as const;

/**
 * OTLP protobuf request bodies made by the official serializer (the bytes the
 * @opentelemetry/exporter-trace-otlp-proto exporter sends), each with `spansPerRequest` GenAI
 * chat spans of realistic shape: provider, models, usage with cache reads, attribution, tags.
 */
export function protobufRequests(requests: number, spansPerRequest: number): Uint8Array[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-app', 'deployment.environment.name': 'production', 'host.name': 'bench-1' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('@tokenledger/otel', '0.1.0');
  const out: Uint8Array[] = [];
  for (let r = 0; r < requests; r++) {
    exporter.reset();
    for (let i = 0; i < spansPerRequest; i++) {
      const n = r * spansPerRequest + i;
      const [prov, model, response] = MODELS[n % MODELS.length]!;
      const span = tracer.startSpan(`chat ${model}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.provider.name': prov,
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': model,
          'gen_ai.response.model': response,
          'gen_ai.response.id': `resp-${n}`,
          'gen_ai.usage.input_tokens': 400 + (n % 900),
          'gen_ai.usage.output_tokens': 50 + (n % 300),
          'gen_ai.usage.cache_read.input_tokens': n % 3 === 0 ? 256 : 0,
          'tokenledger.client.id': `client-${n % 25}`,
          'tokenledger.project': `project-${n % 5}`,
          'tokenledger.feature': ['chat', 'summarize', 'search'][n % 3]!,
          'tokenledger.tag.tier': n % 2 ? 'gold' : 'silver',
          'server.address': 'api.example.com',
        },
      });
      span.end();
    }
    out.push(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
  }
  return out;
}
