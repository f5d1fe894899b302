/**
 * Test-only builders: spans in the shape the OTLP decoders hand over (null-prototype attribute
 * maps, bigint times), and the whole NormalizedCall a test expects, with every field explicit
 * in the defaults below so an assertion still compares every key.
 */
import type { AttributeValue, Attributes, DecodedSpan } from '../../otlp/decoded-span.js';
import type { NormalizedCall, Usage } from '../normalized-call.js';

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const SPAN_ID = 'b7ad6b7169203331';
export const START = 1_764_000_000_000_000_000n;
/** Every built span lasts 1.25 s unless told otherwise. */
export const DURATION_NS = 1_250_000_000n;

export interface SpanSpec {
  name?: string;
  kind?: number;
  scope?: string;
  attributes?: Record<string, AttributeValue>;
  resource?: Record<string, AttributeValue>;
  statusCode?: number;
  spanId?: string;
  parentSpanId?: string;
  start?: bigint;
  end?: bigint;
}

export function attributeMap(values: Record<string, AttributeValue> = {}): Attributes {
  return Object.assign(Object.create(null) as Attributes, values);
}

export function buildSpan(spec: SpanSpec = {}): DecodedSpan {
  const start = spec.start ?? START;
  return {
    traceId: TRACE_ID,
    spanId: spec.spanId ?? SPAN_ID,
    parentSpanId: spec.parentSpanId ?? '',
    name: spec.name ?? 'span',
    kind: spec.kind ?? 3,
    startTimeUnixNano: start,
    endTimeUnixNano: spec.end ?? start + DURATION_NS,
    statusCode: spec.statusCode ?? 0,
    statusMessage: '',
    attributes: attributeMap(spec.attributes),
    resource: { attributes: attributeMap(spec.resource) },
    scope: { name: spec.scope ?? '', version: '' },
  };
}

/** Usage with unnamed buckets at 0. */
export function usage(buckets: Partial<Usage>): Usage {
  return {
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    ...buckets,
  };
}

/** The call a default-built span yields, with the given fields replaced. */
export function expectedCall(fields: Partial<NormalizedCall>): { kind: 'call'; call: NormalizedCall } {
  return {
    kind: 'call',
    call: {
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: '',
      startTimeUnixNano: START,
      durationMs: 1250,
      attribution: { clientId: '', clientKey: '', project: '', feature: '', app: '', environment: '', userId: '', unitKind: '', unitId: '', tags: [] },
      provider: '',
      operation: 'chat',
      requestModel: '',
      responseModel: '',
      responseId: '',
      serviceTier: '',
      usage: null,
      estimated: false,
      producerCostNanos: null,
      status: 'ok',
      errorType: '',
      dialect: '',
      scopeName: '',
      ...fields,
    },
  };
}
