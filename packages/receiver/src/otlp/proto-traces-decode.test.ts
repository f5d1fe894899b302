import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeRequest } from './fixtures/otlp-trace-schema.js';
import { expectedSpan, plain, recordSpans } from './fixtures/real-spans.js';
import { decodeProtobufTraces } from './proto-traces-decode.js';

const hex = (h: string) => Buffer.from(h, 'hex');
const TRACE = hex('5b8efff798038103d269b633813fc60c');
const span = (over: Record<string, unknown> = {}) => ({ traceId: TRACE, spanId: hex('eee19b7ec3c1b174'), name: 'ok', ...over });
const request = (spans: unknown[], resource: Record<string, unknown> = {}) =>
  encodeRequest({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 's', version: '1' }, spans }] }] });

describe('decodeProtobufTraces on bytes from the official serializer', () => {
  it('reads every field the SDK wrote: ids, names, kinds, times, attributes of each type, resource, scope, status', () => {
    const spans = recordSpans();
    const bytes = ProtobufTraceSerializer.serializeRequest(spans)!;
    const result = decodeProtobufTraces(bytes);
    expect(result.rejected).toBe(0);
    expect(result.rejectionMessages).toEqual([]);
    expect(result.spans.map((s) => s.name)).toEqual(['chat gpt-4o', 'workflow']);
    for (const [i, s] of result.spans.entries()) {
      expect(plain(s)).toEqual(plain(expectedSpan(spans[i]!)));
      expect(typeof s.startTimeUnixNano).toBe('bigint');
    }
    const chat = result.spans[0]!;
    expect(chat.startTimeUnixNano).toBe(1_700_000_000_123_456_789n);
    expect(chat.endTimeUnixNano).toBe(1_700_000_001_987_654_321n);
    expect(chat.kind).toBe(3);
    expect(chat.statusCode).toBe(2);
    expect(chat.statusMessage).toBe('rate limited');
    expect(chat.parentSpanId).toBe(result.spans[1]!.spanId);
    expect(result.spans[1]!.parentSpanId).toBe('');
    expect(chat.attributes['test.big']).toBe('1152921504606846976');
    expect(chat.attributes['test.negative']).toBe(-7);
    expect(chat.attributes['test.unicode']).toBe('naïve ☃ 𝄞');
    // No key reaches Object.prototype: the map inherits nothing and reads of absent keys are undefined.
    expect(chat.attributes instanceof Object).toBe(false);
    expect(chat.attributes['toString']).toBeUndefined();
    expect(chat.resource).toBe(result.spans[1]!.resource);
  });

  it('decodes an empty request as no spans', () => {
    expect(decodeProtobufTraces(new Uint8Array(0))).toEqual({ spans: [], rejected: 0, rejectionMessages: [] });
  });
});

describe('decodeProtobufTraces on hand-made messages', () => {
  it('reads bytes values as base64, int64 extremes exactly and kvlists as null', () => {
    const attrs = [
      { key: 'b', value: { bytesValue: Buffer.from([0, 255, 1]) } },
      { key: 'max', value: { intValue: '9223372036854775807' } },
      { key: 'min', value: { intValue: '-9223372036854775808' } },
      { key: 'safe', value: { intValue: String(Number.MAX_SAFE_INTEGER) } },
      { key: 'unsafe', value: { intValue: '9007199254740992' } },
      { key: 'negsafe', value: { intValue: String(-Number.MAX_SAFE_INTEGER) } },
      { key: 'neg', value: { intValue: '-1' } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { stringValue: 'y' } }] } } },
      { key: 'empty', value: {} },
      { key: '__proto__', value: { stringValue: 'not a prototype' } },
    ];
    const [s] = decodeProtobufTraces(request([span({ attributes: attrs })])).spans;
    expect(plain(s!.attributes)).toEqual({
      b: 'AP8B', max: '9223372036854775807', min: '-9223372036854775808', safe: Number.MAX_SAFE_INTEGER,
      unsafe: '9007199254740992', negsafe: -Number.MAX_SAFE_INTEGER, neg: -1,
      kv: null, empty: null, ['__proto__']: 'not a prototype',
    });
    expect(s!.attributes instanceof Object).toBe(false);
    expect(Object.getOwnPropertyDescriptor(s!.attributes, '__proto__')?.value).toBe('not a prototype');
  });

  it('reads resource and scope written after the spans that use them', () => {
    const w = encodeRequest({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'late' } }] } }] });
    // resource_spans{ scope_spans{ spans{...}, scope{...} }, resource{...} } with the head fields last.
    const spanBytes = encodeRequest({ resourceSpans: [{ scopeSpans: [{ spans: [span()] }] }] });
    const scopeBytes = Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x7a]); // ScopeSpans.scope{ name: "z" }
    const scopeSpans = Buffer.concat([spanBytes.subarray(4), scopeBytes]);
    const resource = w.subarray(2); // ResourceSpans.resource field as written above
    const rs = Buffer.concat([Buffer.from([0x12, scopeSpans.length]), scopeSpans, resource]);
    const body = Buffer.concat([Buffer.from([0x0a, rs.length]), rs]);
    const [s] = decodeProtobufTraces(body).spans;
    expect(s!.scope).toEqual({ name: 'z', version: '' });
    expect(plain(s!.resource.attributes)).toEqual({ 'service.name': 'late' });
  });

  it('skips unknown fields of every wire type, including groups', () => {
    const known = request([span()]);
    // Append unknown fields 99 (varint), 98 (fixed64), 97 (len), 96 (fixed32), 95 (group) to the request.
    const unknown = Buffer.from([0x98, 0x06, 0x96, 0x01, 0x91, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0x8a, 0x06, 0x01, 0x41, 0x85, 0x06, 1, 2, 3, 4, 0xfb, 0x05, 0x08, 0x01, 0xfc, 0x05]);
    const result = decodeProtobufTraces(Buffer.concat([unknown, known, unknown]));
    expect(result.spans.map((s) => s.name)).toEqual(['ok']);
  });

  it('treats an all-zero parent span id as a root span', () => {
    const [s] = decodeProtobufTraces(request([span({ parentSpanId: Buffer.alloc(8) })])).spans;
    expect(s!.parentSpanId).toBe('');
  });
});
