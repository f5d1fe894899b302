/** What the OTLP decoders hand to the normalizer: only the fields billing needs. */

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

/** Attribute maps are null-prototype objects: keys are untrusted and may be `__proto__`. */
export type Attributes = Record<string, AttributeValue>;

export interface DecodedResource {
  attributes: Attributes;
}

export interface DecodedScope {
  name: string;
  version: string;
}

export interface DecodedSpan {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** 16 lowercase hex characters, or '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  attributes: Attributes;
  /** Shared by every span of the same ResourceSpans. */
  resource: DecodedResource;
  /** Shared by every span of the same ScopeSpans. */
  scope: DecodedScope;
}

export interface DecodeResult {
  spans: DecodedSpan[];
  /** Spans that were structurally readable but invalid (bad ids, over the limits): reported via partial success. */
  rejected: number;
  /** One line per kind of rejection, for the partial-success error_message. */
  rejectionMessages: string[];
}
