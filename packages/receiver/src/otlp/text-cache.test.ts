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
    const cache = new TextCache();
    const a = bytesOf('model-a');
    const b = bytesOf('model-b');
    expect(cache.get(a, 0, 7, decode(a))).toBe('model-a');
    expect(cache.get(b, 0, 7, decode(b))).toBe('model-b');
    expect(cache.get(a, 0, 7, decode(a))).toBe('model-a');
  });
});
