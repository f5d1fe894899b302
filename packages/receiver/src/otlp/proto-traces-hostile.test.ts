import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { recordSpans } from './fixtures/real-spans.js';
import { OtlpDecodeError } from './otlp-errors.js';
import { decodeProtobufTraces } from './proto-traces-decode.js';
import { prng } from '../../../../test/support/seeded-random.js';

/** Decodes or throws OtlpDecodeError; anything else (TypeError, RangeError, a hang) fails the test. */
function outcome(bytes: Uint8Array): 'ok' | 'error' {
  try {
    decodeProtobufTraces(bytes);
    return 'ok';
  } catch (err) {
    if (err instanceof OtlpDecodeError && err.code === 'otlp_decode') return 'error';
    throw err;
  }
}

const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
};
const field = (tag: number, payload: Uint8Array): Buffer => Buffer.concat([Buffer.from(varint(tag)), Buffer.from(varint(payload.length)), payload]);

/** A request with one span whose single attribute is `inner` (an AnyValue payload). */
function requestWithValue(anyValue: Uint8Array): Buffer {
  const kv = Buffer.concat([field(0x0a, Buffer.from('k')), field(0x12, anyValue)]);
  const span = Buffer.concat([field(0x0a, Buffer.alloc(16, 1)), field(0x12, Buffer.alloc(8, 1)), field(0x4a, kv)]);
  return field(0x0a, field(0x12, field(0x12, span)));
}

function nested(depth: number, wrapField: number): Uint8Array {
  let value: Uint8Array = Buffer.from([0x10, 0x01]); // AnyValue{ bool_value: true }
  for (let i = 0; i < depth; i++) {
    const list = field(0x0a, value); // ArrayValue.values / KeyValueList.values(KeyValue.value)
    value = wrapField === 0x2a ? field(0x2a, list) : field(0x32, field(0x0a, Buffer.concat([field(0x0a, Buffer.from('k')), field(0x12, value)])));
  }
  return value;
}

describe('decodeProtobufTraces on hostile input', () => {
  const valid = ProtobufTraceSerializer.serializeRequest(recordSpans(3))!;

  it('either decodes or throws OtlpDecodeError for every truncation of a real payload', () => {
    const seen = { ok: 0, error: 0 };
    for (let end = 0; end < valid.length; end++) seen[outcome(valid.subarray(0, end))]++;
    expect(seen.error).toBeGreaterThan(valid.length / 2);
    expect(outcome(valid)).toBe('ok');
  });

  it('never fails any other way on 20,000 random buffers', () => {
    const rand = prng(0x70ce);
    for (let i = 0; i < 20_000; i++) {
      const bytes = new Uint8Array(Math.floor(rand() * 256));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
      outcome(bytes);
    }
  });

  it('never fails any other way on 5,000 real payloads with random bytes changed', () => {
    const rand = prng(42);
    for (let i = 0; i < 5_000; i++) {
      const bytes = Uint8Array.from(valid);
      for (let k = 1 + Math.floor(rand() * 4); k > 0; k--) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      outcome(bytes);
    }
  });

  it('refuses AnyValue arrays nested deeper than the limit, and accepts them at the limit', () => {
    expect(() => decodeProtobufTraces(requestWithValue(nested(2_000, 0x2a)))).toThrow(/AnyValue arrays nested deeper than 16/);
    const [span] = decodeProtobufTraces(requestWithValue(nested(16, 0x2a))).spans;
    let value = span!.attributes.k;
    for (let i = 0; i < 16; i++) value = (value as unknown[])[0] as typeof value;
    expect(value).toBe(true);
  });

  it('skips deeply nested kvlists by length without descending into them', () => {
    const [span] = decodeProtobufTraces(requestWithValue(nested(2_000, 0x32))).spans;
    expect(span!.attributes.k).toBe(null);
  });

  it('refuses lengths that point past the end or do not fit a length varint', () => {
    expect(() => decodeProtobufTraces(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00]))).toThrow(/length 2147483647 past the end/);
    expect(() => decodeProtobufTraces(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(/length varint longer than 5 bytes/);
    expect(() => decodeProtobufTraces(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(/varint longer than 10 bytes/);
  });

  it('refuses a known field with the wrong wire type and a nested message running past its parent', () => {
    const nameAsVarint = field(0x0a, field(0x12, field(0x12, Buffer.from([0x28, 0x01]))));
    expect(() => decodeProtobufTraces(nameAsVarint)).toThrow(/Span.name has wire type 0, expected 2/);
    // ScopeSpans claims 10 bytes but its Span claims 50.
    const overrun = Buffer.from([0x0a, 0x0c, 0x12, 0x0a, 0x12, 0x32, ...Buffer.alloc(8)]);
    expect(() => decodeProtobufTraces(overrun)).toThrow(OtlpDecodeError);
  });

  it('refuses groups nested too deep and a group closed with the wrong field', () => {
    const deep = Buffer.from([...Array(100).fill(0x13), ...Array(100).fill(0x14)]);
    expect(() => decodeProtobufTraces(deep)).toThrow(/groups nested too deep/);
    expect(() => decodeProtobufTraces(Buffer.from([0x13, 0x1c]))).toThrow(/mismatched end group/);
  });
});
