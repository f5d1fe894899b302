import { AttributeCheck } from './attribute-check.js';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './decode-limits.js';
import { newAttributes, type Attributes, type DecodeResult, type DecodedResource, type DecodedScope } from './decoded-span.js';
import { readKeyValue } from './proto-attributes.js';
import { ProtoReader } from './proto-reader.js';
import { readSpan } from './proto-span-decode.js';
import { SpanSink } from './span-sink.js';

/**
 * Decodes an OTLP/HTTP protobuf body: opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest
 *   { repeated ResourceSpans resource_spans = 1; }
 *   ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
 *   Resource { repeated KeyValue attributes = 1; ... }
 *   ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
 *   InstrumentationScope { string name = 1; string version = 2; ... }
 * Fields may arrive in any order on the wire, so ResourceSpans and ScopeSpans are scanned once for
 * the offsets of their parts and then read resource/scope first. A singular message that appears
 * twice is taken from its last occurrence rather than merged (no OTLP serializer emits that).
 * Throws OtlpDecodeError when the body is not such a message.
 */
export function decodeProtobufTraces(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  const r = new ProtoReader(bytes);
  const sink = new SpanSink(limits);
  const check = new AttributeCheck(limits);
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expectLen(tag, 'ExportTraceServiceRequest.resource_spans');
      const end = r.lengthEnd();
      within(r, r.pos, end, () => readResourceSpans(r, sink, check));
      r.pos = end;
    } else {
      r.skip(tag);
    }
  }
  return sink.result();
}

function readResourceSpans(r: ProtoReader, sink: SpanSink, check: AttributeCheck): void {
  const parts = scanParts(r, 'ResourceSpans');
  const attributes: Attributes = newAttributes();
  check.reset();
  if (parts.headEnd > 0) within(r, parts.headStart, parts.headEnd, () => readResource(r, attributes, check));
  const resourceProblem = check.problem && `resource ${check.problem}`;
  const resource: DecodedResource = { attributes };
  for (let i = 0; i < parts.items.length; i += 2) {
    within(r, parts.items[i]!, parts.items[i + 1]!, () => readScopeSpans(r, sink, check, resource, resourceProblem));
  }
}

function readResource(r: ProtoReader, attributes: Attributes, check: AttributeCheck): void {
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expectLen(tag, 'Resource.attributes');
      readKeyValue(r, attributes, check, check.countOne());
    } else {
      r.skip(tag);
    }
  }
}

function readScopeSpans(r: ProtoReader, sink: SpanSink, check: AttributeCheck, resource: DecodedResource, resourceProblem: string): void {
  const parts = scanParts(r, 'ScopeSpans');
  const scope: DecodedScope = { name: '', version: '' };
  if (parts.headEnd > 0) within(r, parts.headStart, parts.headEnd, () => readScope(r, scope));
  for (let i = 0; i < parts.items.length; i += 2) {
    if (sink.full()) {
      sink.rejectOverflow();
      continue;
    }
    within(r, parts.items[i]!, parts.items[i + 1]!, () => readSpan(r, sink, check, resource, scope, resourceProblem));
  }
}

function readScope(r: ProtoReader, scope: DecodedScope): void {
  while (r.pos < r.limit) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      r.expectLen(tag, field === 1 ? 'InstrumentationScope.name' : 'InstrumentationScope.version');
      const end = r.lengthEnd();
      const text = r.text(r.pos, end);
      r.pos = end;
      if (field === 1) scope.name = text;
      else scope.version = text;
    } else {
      r.skip(tag);
    }
  }
}

interface Parts {
  /** Offsets of the payload of field 1 (resource or scope); headEnd 0 when absent. */
  headStart: number;
  headEnd: number;
  /** Start/end offset pairs of every field 2 (scope_spans or spans) payload. */
  items: number[];
}

/** One pass over the message in the reader's range that records where fields 1 and 2 lie. */
function scanParts(r: ProtoReader, what: string): Parts {
  const parts: Parts = { headStart: 0, headEnd: 0, items: [] };
  while (r.pos < r.limit) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      r.expectLen(tag, `${what} field ${field}`);
      const e = r.lengthEnd();
      if (field === 1) {
        parts.headStart = r.pos;
        parts.headEnd = e;
      } else {
        parts.items.push(r.pos, e);
      }
      r.pos = e;
    } else {
      r.skip(tag);
    }
  }
  return parts;
}

/** Runs `read` over the byte range [start, end) and puts the cursor back where it was. */
function within(r: ProtoReader, start: number, end: number, read: () => void): void {
  const pos = r.pos;
  const limit = r.limit;
  r.pos = start;
  r.limit = end;
  read();
  r.pos = pos;
  r.limit = limit;
}
