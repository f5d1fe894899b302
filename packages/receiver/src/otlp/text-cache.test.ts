import { describe, expect, it } from 'vitest';
import { TextCache } from './text-cache.js';

const bytesOf = (text: string) => Buffer.from(text, 'utf8');
const decode = (bytes: Uint8Array) => (start: number, end: number) => Buffer.from(bytes).toString('utf8', start, end);

describe('TextCache', () => {
  it('returns the text of the bytes it is given, through thousands of slot collisions', () => {
    const cache = new TextCache();
    const texts = Array.from({ length: 20_000 }, (_, i) => `gen_ai.key.${i.toString(36)}`);
    for (let round = 0; round < 2; round++) {
      for (const text of texts) {
        const bytes = bytesOf(`xx${text}yy`);
        expect(cache.get(bytes, 2, bytes.length - 2, decode(bytes))).toBe(text);
      }
    }
  });

  it('leaves non-ASCII and long text to the caller', () => {
    const cache = new TextCache();
    const accented = bytesOf('ünï');
    expect(cache.get(accented, 0, accented.length, decode(accented))).toBeUndefined();
    const long = bytesOf('k'.repeat(65));
    expect(cache.get(long, 0, long.length, decode(long))).toBeUndefined();
  });

  it('does not confuse texts of the same length and hash slot', () => {
    // Same length, different only at index 6, which the sampled hash skips: one slot for both.
    const cache = new TextCache();
    const a = bytesOf('model-a-01');
    const b = bytesOf('model-b-01');
    let decoded = 0;
    const counting = (bytes: Uint8Array) => (start: number, end: number) => (decoded++, decode(bytes)(start, end));
    expect(cache.get(a, 0, 10, counting(a))).toBe('model-a-01');
    expect(cache.get(b, 0, 10, counting(b))).toBe('model-b-01');
    expect(cache.get(a, 0, 10, counting(a))).toBe('model-a-01');
    expect(decoded).toBe(3); // each evicted the other
    expect(cache.get(a, 0, 10, counting(a))).toBe('model-a-01');
    expect(decoded).toBe(3); // a hit
  });
});
