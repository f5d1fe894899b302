import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';

export interface ExporterOptions {
  /** Receiver base URL, e.g. `http://localhost:4318`; spans go to `${endpoint}/v1/traces`. */
  endpoint?: string;
  /** Extra HTTP headers, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
}

/**
 * OTLP/HTTP protobuf exporter. Options left out fall through to the exporter itself, which reads
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_EXPORTER_OTLP_TIMEOUT, … per the OTLP exporter spec; explicit options win.
 */
export function createOtlpExporter(options: ExporterOptions): OTLPTraceExporter {
  const config: { url?: string; headers?: Record<string, string> } = {};
  if (options.endpoint !== undefined) config.url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
  if (options.headers !== undefined) config.headers = options.headers;
  return new OTLPTraceExporter(config);
}
