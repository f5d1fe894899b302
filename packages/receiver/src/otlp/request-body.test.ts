import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError, PayloadTooLargeError, UnsupportedMediaTypeError } from './otlp-errors.js';
import { contentEncodingOf, decodeContentEncoding, gunzipLimited } from './request-body.js';

const MiB = 1024 * 1024;

describe('gunzipLimited', () => {
  it('inflates a body under the limit exactly', async () => {
    const text = Buffer.from('{"resourceSpans":[]}'.repeat(1000));
    expect(Buffer.from(await gunzipLimited(gzipSync(text), 4 * MiB))).toEqual(text);
  });

  it('refuses a gzip bomb (50 MiB of zeros) under a 4 MiB limit without unpacking it', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * MiB));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const err = await gunzipLimited(bomb, 4 * MiB).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadTooLargeError);
    expect((err as PayloadTooLargeError).code).toBe('payload_too_large');
    expect((err as Error).message).toBe('gzip body inflates to more than 4194304 bytes');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20 * MiB);
  });

  it('accepts a body of exactly the limit', async () => {
    expect((await gunzipLimited(gzipSync(Buffer.alloc(MiB, 7)), MiB)).length).toBe(MiB);
  });

  it('turns corrupt and truncated gzip into OtlpDecodeError', async () => {
    const gz = gzipSync(Buffer.from('hello world'.repeat(100)));
    await expect(gunzipLimited(Buffer.from('not gzip at all'), MiB)).rejects.toThrow(OtlpDecodeError);
    await expect(gunzipLimited(gz.subarray(0, gz.length - 10), MiB)).rejects.toThrow(/invalid gzip body/);
  });
});

describe('decodeContentEncoding', () => {
  it('passes identity and absent encodings through, inflates gzip, refuses the rest', async () => {
    const body = Buffer.from('abc');
    expect(await decodeContentEncoding(body, undefined, 10)).toBe(body);
    expect(await decodeContentEncoding(body, 'identity', 10)).toBe(body);
    expect(Buffer.from(await decodeContentEncoding(gzipSync(body), 'GZIP', 10))).toEqual(body);
    expect(Buffer.from(await decodeContentEncoding(gzipSync(body), ' x-gzip', 10))).toEqual(body);
    await expect(decodeContentEncoding(body, 'br', 10)).rejects.toThrow(UnsupportedMediaTypeError);
    expect(() => contentEncodingOf('gzip, br')).toThrow(UnsupportedMediaTypeError);
    await expect(decodeContentEncoding(body, 'identity', 2)).rejects.toThrow(PayloadTooLargeError);
  });
});
