import { SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { setResponseAttributes, type GenAiResponse } from '@tokenledger/otel';
import { attributionAttributes, type CallAttribution } from '../attribution/metering-tags.js';
import type { MeteredCall, ProviderAdapter } from '../providers/index.js';

/** The GenAI client span of one metered call (semantic conventions, gen-ai-spans.md), keyed as the SDK wrappers key it. */
export function startCallSpan(tracer: Tracer, adapter: ProviderAdapter, call: MeteredCall, attribution: CallAttribution, upstream: URL): Span {
  const port = upstream.port !== '' ? Number(upstream.port) : upstream.protocol === 'http:' ? 80 : 443;
  const name = call.model === undefined ? call.operation : `${call.operation} ${call.model}`;
  const span = tracer.startSpan(name, {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.provider.name': adapter.genAiProvider,
      'gen_ai.operation.name': call.operation,
      ...(call.model !== undefined && { 'gen_ai.request.model': call.model }),
      ...(call.stream && { 'gen_ai.request.stream': true }),
      'server.address': upstream.hostname,
      'server.port': port,
      ...call.extra,
      ...attributionAttributes(attribution),
    },
  });
  return span;
}

export function endCallSpan(span: Span, provider: string, status: number, response: GenAiResponse, error?: string): void {
  setResponseAttributes(span, response, provider);
  span.setAttribute('http.response.status_code', status);
  if (error !== undefined || status >= 400) {
    // error.type: the HTTP status as a string when nothing better is known (OTel error.type guidance).
    span.setAttribute('error.type', error ?? String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
