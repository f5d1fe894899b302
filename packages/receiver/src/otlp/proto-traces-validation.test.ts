import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './decode-limits.js';
import { encodeRequest } from './fixtures/otlp-trace-schema.js';
import { decodeProtobufTraces } from './proto-traces-decode.js';

const hex = (h: string) => Buffer.from(h, 'hex');
const TRACE = hex('5b8efff798038103d269b633813fc60c');
const span = (name: string, over: Record<string, unknown> = {}) => ({ traceId: TRACE, spanId: hex('eee19b7ec3c1b174'), name, ...over });
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const request = (spans: unknown[], resourceAttributes: unknown[] = []) =>
  encodeRequest({ resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ spans }] }] });
const limits = (over: Partial<DecodeLimits>): DecodeLimits => ({ ...DEFAULT_DECODE_LIMITS, ...over });

describe('per-span validation keeps the good neighbours', () => {
  it('rejects a span whose trace id is 3 bytes and keeps the two good ones', () => {
    const result = decodeProtobufTraces(request([span('a'), span('bad', { traceId: hex('010203') }), span('b')]));
    expect(result.spans.map((s) => s.name)).toEqual(['a', 'b']);
    expect(result.rejected).toBe(1);
    expect(result.rejectionMessages).toEqual(['1 span rejected: trace_id must be 16 bytes and not all zero (got 3 bytes)']);
  });

  it('rejects all-zero and missing ids and a parent id of the wrong length, one message per kind', () => {
    const result = decodeProtobufTraces(request([
      span('zero-trace', { traceId: Buffer.alloc(16) }),
      span('no-trace', { traceId: Buffer.alloc(0) }),
      span('zero-span', { spanId: Buffer.alloc(8) }),
      span('long-span', { spanId: hex('010203040506070809') }),
      span('bad-parent', { parentSpanId: hex('01020304') }),
      span('good'),
    ]));
    expect(result.spans.map((s) => s.name)).toEqual(['good']);
    expect(result.rejected).toBe(5);
    expect(result.rejectionMessages).toEqual([
      '2 spans rejected: trace_id must be 16 bytes and not all zero (got all zero)',
      '2 spans rejected: span_id must be 8 bytes and not all zero (got all zero)',
      '1 span rejected: parent_span_id must be empty or 8 bytes (got 4 bytes)',
    ]);
  });

  it('rejects a span with more attributes than the limit', () => {
    const result = decodeProtobufTraces(
      request([span('many', { attributes: [str('a', '1'), str('b', '2'), str('c', '3')] }), span('two', { attributes: [str('a', '1'), str('b', '2')] })]),
      limits({ maxAttributesPerSpan: 2 }),
    );
    expect(result.spans.map((s) => s.name)).toEqual(['two']);
    expect(result.rejectionMessages).toEqual(['1 span rejected: span has more than 2 attributes']);
  });

  it('rejects a span with an attribute value over the byte limit, counting UTF-8 bytes, in arrays too', () => {
    const result = decodeProtobufTraces(
      request([
        span('long', { attributes: [str('k', 'x'.repeat(9))] }),
        span('wide', { attributes: [str('k', 'ééééé')] }), // 10 UTF-8 bytes
        span('arr', { attributes: [{ key: 'k', value: { arrayValue: { values: [{ stringValue: 'y'.repeat(9) }] } } }] }),
        span('fits', { attributes: [str('k', 'x'.repeat(8))] }),
      ]),
      limits({ maxAttributeValueBytes: 8 }),
    );
    expect(result.spans.map((s) => s.name)).toEqual(['fits']);
    expect(result.rejectionMessages).toEqual(['3 spans rejected: span has an attribute value of 9 bytes, over the 8-byte limit']);
  });

  it('rejects every span of a resource whose attributes break the limits', () => {
    const body = encodeRequest({
      resourceSpans: [
        { resource: { attributes: [str('service.name', 'x'.repeat(20))] }, scopeSpans: [{ spans: [span('r1'), span('r2')] }] },
        { resource: { attributes: [str('service.name', 'ok')] }, scopeSpans: [{ spans: [span('r3')] }] },
      ],
    });
    const result = decodeProtobufTraces(body, limits({ maxAttributeValueBytes: 16 }));
    expect(result.spans.map((s) => s.name)).toEqual(['r3']);
    expect(result.rejectionMessages).toEqual(['2 spans rejected: resource has an attribute value of 20 bytes, over the 16-byte limit']);
  });

  it('rejects spans past the per-request maximum without decoding them', () => {
    const result = decodeProtobufTraces(request([span('1'), span('2'), span('3'), span('4')]), limits({ maxSpansPerRequest: 3 }));
    expect(result.spans.map((s) => s.name)).toEqual(['1', '2', '3']);
    expect(result.rejected).toBe(1);
    expect(result.rejectionMessages).toEqual(['1 span rejected: request has more than 3 spans; the rest were not read']);
  });
});
