import { AttributeCheck } from './attribute-check.js';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './decode-limits.js';
import { newAttributes, type Attributes, type DecodeResult, type DecodedResource, type DecodedScope } from './decoded-span.js';
import { readJsonAttributes } from './json-attributes.js';
import { arrayAt, enumAt, hexIdAt, objectAt, stringAt, uint64At, type JsonObject } from './json-values.js';
import { OtlpDecodeError } from './otlp-errors.js';
import { idProblem, SpanSink } from './span-sink.js';

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'] as const;
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

/**
 * Decodes an OTLP/HTTP JSON body (opentelemetry-proto docs/specification.md, "JSON Protobuf
 * Encoding"): lowerCamelCase keys only — the spec says the original snake_case names are not valid,
 * so they are ignored like any unknown key (a span sent with `trace_id` is then rejected for its
 * missing id, with a message saying so); trace/span ids as hex; int64 as string or number.
 * Hand-written checks rather than a zod schema: this runs per span on the hot path.
 */
export function decodeJsonTraces(text: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  const request = objectAt(root, 'request') ?? {};
  const sink = new SpanSink(limits);
  const check = new AttributeCheck(limits);
  const resourceSpans = arrayAt(request.resourceSpans, 'resourceSpans');
  for (let i = 0; i < resourceSpans.length; i++) {
    readResourceSpans(objectAt(resourceSpans[i], `resourceSpans[${i}]`), `resourceSpans[${i}]`, sink, check);
  }
  return sink.result();
}

function readResourceSpans(rs: JsonObject | undefined, path: string, sink: SpanSink, check: AttributeCheck): void {
  if (!rs) return;
  const attributes: Attributes = newAttributes();
  check.reset();
  readJsonAttributes(objectAt(rs.resource, `${path}.resource`)?.attributes, `${path}.resource.attributes`, attributes, check);
  const resourceProblem = check.problem && `resource ${check.problem}`;
  const resource: DecodedResource = { attributes };
  const scopeSpans = arrayAt(rs.scopeSpans, `${path}.scopeSpans`);
  for (let i = 0; i < scopeSpans.length; i++) {
    const at = `${path}.scopeSpans[${i}]`;
    const ss = objectAt(scopeSpans[i], at);
    if (!ss) continue;
    const scopeJson = objectAt(ss.scope, `${at}.scope`);
    const scope: DecodedScope = {
      name: stringAt(scopeJson?.name, `${at}.scope.name`),
      version: stringAt(scopeJson?.version, `${at}.scope.version`),
    };
    const spans = arrayAt(ss.spans, `${at}.spans`);
    for (let j = 0; j < spans.length; j++) {
      if (sink.full()) sink.rejectOverflow();
      else readSpan(objectAt(spans[j], `${at}.spans[${j}]`), `${at}.spans[${j}]`, sink, check, resource, scope, resourceProblem);
    }
  }
}

function readSpan(span: JsonObject | undefined, path: string, sink: SpanSink, check: AttributeCheck, resource: DecodedResource, scope: DecodedScope, resourceProblem: string): void {
  if (!span) return;
  const traceId = hexIdAt(span.traceId, `${path}.traceId`);
  const spanId = hexIdAt(span.spanId, `${path}.spanId`);
  const parent = hexIdAt(span.parentSpanId, `${path}.parentSpanId`);
  const name = stringAt(span.name, `${path}.name`);
  const kind = enumAt(span.kind, `${path}.kind`, SPAN_KINDS);
  const startTimeUnixNano = uint64At(span.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const endTimeUnixNano = uint64At(span.endTimeUnixNano, `${path}.endTimeUnixNano`);
  const status = objectAt(span.status, `${path}.status`);
  const statusCode = enumAt(status?.code, `${path}.status.code`, STATUS_CODES);
  const statusMessage = stringAt(status?.message, `${path}.status.message`);
  const attributes: Attributes = newAttributes();
  check.reset();
  readJsonAttributes(span.attributes, `${path}.attributes`, attributes, check);

  // Not-hex ids get the "wrong length" message through length -1: they cannot be 16 or 8 bytes.
  const ids = idProblem(
    traceId === undefined ? -1 : traceId.length / 2, isZeroHex(traceId),
    spanId === undefined ? -1 : spanId.length / 2, isZeroHex(spanId),
    parent === undefined ? -1 : parent.length / 2,
  );
  if (ids) return sink.reject(ids[0], ids[1].replace('(got -1 bytes)', '(not a hex string)'));
  if (check.problem) return sink.reject('attributes', `span ${check.problem}`);
  if (resourceProblem) return sink.reject('resource', resourceProblem);
  sink.spans.push({
    traceId: traceId!,
    spanId: spanId!,
    parentSpanId: isZeroHex(parent) ? '' : parent!,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    statusCode,
    statusMessage,
    attributes,
    resource,
    scope,
  });
}

function isZeroHex(hex: string | undefined): boolean {
  return hex !== undefined && /^0*$/.test(hex);
}
