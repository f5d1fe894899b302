import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from './decode-limits.js';
import { expectedSpan, plain, recordSpans } from './fixtures/real-spans.js';
import { decodeJsonTraces } from './json-traces-decode.js';
import { OtlpDecodeError } from './otlp-errors.js';

const TRACE = '5B8EFFF798038103D269B633813FC60C';
const SPAN = 'EEE19B7EC3C1B174';
const body = (spans: unknown[], resource: unknown = {}) =>
  JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 's', version: '1' }, spans }] }] });
const span = (over: Record<string, unknown> = {}) => ({ traceId: TRACE, spanId: SPAN, name: 'ok', ...over });

describe('decodeJsonTraces on bytes from the official serializer', () => {
  it('reads every field the SDK wrote, the same as the protobuf decoder', () => {
    const spans = recordSpans();
    const text = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
    const result = decodeJsonTraces(text);
    expect(result.rejected).toBe(0);
    expect(result.spans.map((s) => plain(s))).toEqual(spans.map((s) => plain(expectedSpan(s))));
    expect(result.spans[0]!.startTimeUnixNano).toBe(1_700_000_000_123_456_789n);
  });
});

describe('decodeJsonTraces on hand-written JSON', () => {
  it('accepts upper-case hex ids, int64 as string or number, enum names, base64 bytes and special doubles', () => {
    const attributes = [
      { key: 'i', value: { intValue: '9223372036854775807' } },
      { key: 'n', value: { intValue: 42 } },
      { key: 'd', value: { doubleValue: 'NaN' } },
      { key: 'e', value: { doubleValue: '-Infinity' } },
      { key: 'b', value: { bytesValue: 'AP8B' } },
      { key: 'u', value: { bytesValue: 'AP-B' } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { stringValue: 'y' } }] } } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }, {}] } } },
      { key: 'none', value: null },
    ];
    const result = decodeJsonTraces(body([span({ kind: 'SPAN_KIND_CLIENT', status: { code: 2, message: 'boom' }, startTimeUnixNano: 1_000, endTimeUnixNano: '18446744073709551615', attributes })]));
    const s = result.spans[0]!;
    expect([s.traceId, s.spanId, s.parentSpanId, s.kind, s.statusCode, s.statusMessage]).toEqual([TRACE.toLowerCase(), SPAN.toLowerCase(), '', 3, 2, 'boom']);
    expect([s.startTimeUnixNano, s.endTimeUnixNano]).toEqual([1_000n, 18_446_744_073_709_551_615n]);
    expect(plain(s.attributes)).toEqual({ i: '9223372036854775807', n: 42, d: null, e: null, b: 'AP8B', u: 'AP+B', kv: null, arr: ['a', true, null], none: null });
    expect(Number.isNaN(s.attributes.d)).toBe(true);
    expect(s.attributes.e).toBe(-Infinity);
  });

  it('ignores snake_case keys as the spec requires, so such a span is rejected for its missing ids', () => {
    const result = decodeJsonTraces(body([span(), { trace_id: TRACE, span_id: SPAN, name: 'snake' }]));
    expect(result.spans.map((s) => s.name)).toEqual(['ok']);
    expect(result.rejectionMessages).toEqual(['1 span rejected: trace_id must be 16 bytes and not all zero (got 0 bytes)']);
  });

  it('rejects a span with a 3-byte or non-hex trace id and keeps the good ones', () => {
    const result = decodeJsonTraces(body([span({ name: 'a' }), span({ traceId: '010203' }), span({ traceId: 'W8jAo8uY5c8ZqbXnUDqgtg==' }), span({ name: 'b' })]));
    expect(result.spans.map((s) => s.name)).toEqual(['a', 'b']);
    expect(result.rejected).toBe(2);
    expect(result.rejectionMessages).toEqual(['2 spans rejected: trace_id must be 16 bytes and not all zero (got 3 bytes)']);
  });

  it('applies the attribute limits and the span maximum like the protobuf decoder', () => {
    const limits = { ...DEFAULT_DECODE_LIMITS, maxAttributeValueBytes: 4, maxSpansPerRequest: 2 };
    const long = [{ key: 'k', value: { stringValue: 'ééé' } }];
    const result = decodeJsonTraces(body([span({ name: 'long', attributes: long }), span({ name: 'a' }), span({ name: 'b' })]), limits);
    expect(result.spans.map((s) => s.name)).toEqual(['a']);
    expect(result.rejectionMessages).toEqual([
      '1 span rejected: span has an attribute value of 6 bytes, over the 4-byte limit',
      '1 span rejected: request has more than 2 spans; the rest were not read',
    ]);
  });

  it('refuses invalid JSON and values of the wrong JSON type as undecodable', () => {
    const cases: [string, RegExp][] = [
      ['{"resourceSpans": [', /invalid JSON/],
      ['[]', /request must be an object, got array/],
      ['{"resourceSpans": {}}', /resourceSpans must be an array, got object/],
      [body([span({ name: 5 })]), /spans\[0\]\.name must be a string, got number/],
      [body([span({ kind: 'CLIENT' })]), /kind must be an integer enum value/],
      [body([span({ startTimeUnixNano: '-1' })]), /startTimeUnixNano must be a uint64/],
      [body([span({ startTimeUnixNano: '18446744073709551616' })]), /startTimeUnixNano must be a uint64/],
      [body([span({ attributes: [{ key: 'k', value: { intValue: '1.5' } }] })]), /intValue must be an int64/],
      [body([span({ attributes: [{ key: 'k', value: { boolValue: 'true' } }] })]), /boolValue must be a boolean/],
      [body([span({ attributes: [{ key: 'k', value: { bytesValue: '!!' } }] })]), /bytesValue must be base64/],
      [body([span({ attributes: { k: 'v' } })]), /attributes must be an array/],
      [body([span({ traceId: 12 })]), /traceId must be a string/],
    ];
    for (const [text, message] of cases) expect(() => decodeJsonTraces(text), text).toThrow(message);
    expect(() => decodeJsonTraces('nope')).toThrow(OtlpDecodeError);
  });

  it('refuses arrays nested deeper than the limit', () => {
    const deep = (n: number) => '{"arrayValue":{"values":['.repeat(n) + '{"boolValue":true}' + ']}}'.repeat(n);
    const withValue = (value: string) => body([span({ attributes: [{ key: 'k', value: 'VALUE' }] })]).replace('"VALUE"', value);
    for (const depth of [17, 100_000]) expect(() => decodeJsonTraces(withValue(deep(depth)))).toThrow(OtlpDecodeError);
    expect(() => decodeJsonTraces(withValue(deep(17)))).toThrow(/nested deeper than 16/);
    let value = decodeJsonTraces(withValue(deep(16))).spans[0]!.attributes.k;
    for (let i = 0; i < 16; i++) value = (value as unknown[])[0] as typeof value;
    expect(value).toBe(true);
  });

  it('either decodes or throws OtlpDecodeError for every truncation of a real payload', () => {
    const text = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(recordSpans()));
    for (let end = 0; end < text.length; end++) {
      try {
        decodeJsonTraces(text.slice(0, end));
      } catch (err) {
        if (!(err instanceof OtlpDecodeError)) throw err;
      }
    }
  });
});
