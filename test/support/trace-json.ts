/**
 * OTLP/JSON requests with explicit trace and span ids, parents, kinds, scopes and start times:
 * what an exporter sends when the spans of one trace leave a process in different batches.
 */
export interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client */
  kind?: number;
  scope: string;
  start: Date;
  attributes: Record<string, string | number>;
}

const nanos = (d: Date) => String(BigInt(d.getTime()) * 1_000_000n);

function value(v: string | number) {
  if (typeof v === 'string') return { stringValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

export function traceRequest(spans: JsonSpan[], resource: Record<string, string> = { 'service.name': 'settle-app' }): string {
  const scopes = [...new Set(spans.map((s) => s.scope))];
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: Object.entries(resource).map(([key, v]) => ({ key, value: value(v) })) },
        scopeSpans: scopes.map((scope) => ({
          scope: { name: scope },
          spans: spans
            .filter((s) => s.scope === scope)
            .map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind ?? 1,
              startTimeUnixNano: nanos(s.start),
              endTimeUnixNano: nanos(new Date(s.start.getTime() + 1500)),
              attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: value(v) })),
            })),
        })),
      },
    ],
  });
}

export async function postTrace(url: string, spans: JsonSpan[]): Promise<void> {
  const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: traceRequest(spans) });
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}
