import type { AttributeCheck } from './attribute-check.js';
import { newAttributes, type Attributes, type DecodedResource, type DecodedScope } from './decoded-span.js';
import { readKeyValue } from './proto-attributes.js';
import type { ProtoReader } from './proto-reader.js';
import { allZero, idProblem, type SpanSink } from './span-sink.js';

/*
 * Span fields read (opentelemetry/proto/trace/v1/trace.proto): trace_id = 1, span_id = 2,
 * parent_span_id = 4 (bytes); name = 5; kind = 6 (enum); start_time_unix_nano = 7,
 * end_time_unix_nano = 8 (fixed64); attributes = 9; status = 15 (Status { message = 2; code = 3; }).
 * Skipped by wire type without decoding: trace_state 3, dropped_* 10/12/14, events 11, links 13,
 * flags 16, and any field added after this was written.
 */
const F_TRACE_ID = 1;
const F_SPAN_ID = 2;
const F_PARENT_SPAN_ID = 4;
const F_NAME = 5;
const F_KIND = 6;
const F_START = 7;
const F_END = 8;
const F_ATTRIBUTES = 9;
const F_STATUS = 15;

/** Reads one Span over the reader's current range and hands it (or its rejection) to the sink. */
export function readSpan(r: ProtoReader, sink: SpanSink, check: AttributeCheck, resource: DecodedResource, scope: DecodedScope, resourceProblem: string): void {
  const bytes = r.bytes;
  let traceStart = 0, traceEnd = 0, spanStart = 0, spanEnd = 0, parentStart = 0, parentEnd = 0;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  let status: [code: number, message: string] = [0, ''];
  const attributes: Attributes = newAttributes();
  check.reset();
  while (r.pos < r.limit) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case F_TRACE_ID:
        r.expectLen(tag, 'Span.trace_id');
        traceEnd = r.lengthEnd();
        traceStart = r.pos;
        r.pos = traceEnd;
        break;
      case F_SPAN_ID:
        r.expectLen(tag, 'Span.span_id');
        spanEnd = r.lengthEnd();
        spanStart = r.pos;
        r.pos = spanEnd;
        break;
      case F_PARENT_SPAN_ID:
        r.expectLen(tag, 'Span.parent_span_id');
        parentEnd = r.lengthEnd();
        parentStart = r.pos;
        r.pos = parentEnd;
        break;
      case F_NAME: {
        r.expectLen(tag, 'Span.name');
        const e = r.lengthEnd();
        name = r.text(r.pos, e);
        r.pos = e;
        break;
      }
      case F_KIND:
        r.expectVarint(tag, 'Span.kind');
        kind = r.uint32() | 0;
        break;
      case F_START:
        r.expectFixed64(tag, 'Span.start_time_unix_nano');
        startTimeUnixNano = r.fixed64();
        break;
      case F_END:
        r.expectFixed64(tag, 'Span.end_time_unix_nano');
        endTimeUnixNano = r.fixed64();
        break;
      case F_ATTRIBUTES:
        r.expectLen(tag, 'Span.attributes');
        readKeyValue(r, attributes, check, check.countOne());
        break;
      case F_STATUS:
        r.expectLen(tag, 'Span.status');
        status = readStatus(r);
        break;
      default:
        r.skip(tag);
    }
  }

  const ids = idProblem(
    traceEnd - traceStart, allZero(bytes, traceStart, traceEnd),
    spanEnd - spanStart, allZero(bytes, spanStart, spanEnd),
    parentEnd - parentStart,
  );
  if (ids) return sink.reject(ids[0], ids[1]);
  if (check.problem) return sink.reject('attributes', `span ${check.problem}`);
  if (resourceProblem) return sink.reject('resource', resourceProblem);
  sink.spans.push({
    traceId: r.hex(traceStart, traceEnd),
    spanId: r.hex(spanStart, spanEnd),
    // An all-zero parent is how some bridges write "no parent"; it is a root span either way.
    parentSpanId: allZero(bytes, parentStart, parentEnd) ? '' : r.hex(parentStart, parentEnd),
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    statusCode: status[0],
    statusMessage: status[1],
    attributes,
    resource,
    scope,
  });
}

/** Status { reserved 1; string message = 2; StatusCode code = 3; } */
function readStatus(r: ProtoReader): [number, string] {
  const end = r.lengthEnd();
  const outer = r.limit;
  r.limit = end;
  let code = 0;
  let message = '';
  while (r.pos < end) {
    const tag = r.tag();
    if (tag >>> 3 === 2) {
      r.expectLen(tag, 'Status.message');
      const e = r.lengthEnd();
      message = r.text(r.pos, e);
      r.pos = e;
    } else if (tag >>> 3 === 3) {
      r.expectVarint(tag, 'Status.code');
      code = r.uint32() | 0;
    } else {
      r.skip(tag);
    }
  }
  r.limit = outer;
  return [code, message];
}
