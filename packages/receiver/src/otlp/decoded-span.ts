/** What the OTLP decoders hand to the normalizer: only the fields billing needs. */

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

/** Attribute maps: string keys (untrusted, possibly `__proto__`) to values; see newAttributes. */
export type Attributes = Record<string, AttributeValue>;

/**
 * The prototype of every attribute map: empty, frozen and itself without a prototype, so no key
 * (`__proto__`, `constructor`, `toString`) reaches Object.prototype, on write or on read.
 * Unlike Object.create(null), whose objects V8 keeps as hash tables, objects made from it stay
 * in V8's fast mode: spans of one producer share a key order and so a hidden class, and the
 * normalizer's reads of fixed keys hit inline caches.
 */
const ATTRIBUTES_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

export function newAttributes(): Attributes {
  return Object.create(ATTRIBUTES_PROTOTYPE) as Attributes;
}

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
