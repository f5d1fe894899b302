import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('stays bounded and keeps recently used keys', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3); // a, b move to the previous generation
    expect(cache.get('a')).toBe(1); // promoted
    cache.set('d', 4); // current {c, a} is full: it becomes previous; b is dropped
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
    expect(cache.size).toBeLessThanOrEqual(4);
  });

  it('holds at most twice its size however many keys pass through', () => {
    const cache = new LruCache<number, number>(100);
    for (let i = 0; i < 10_000; i++) cache.set(i, i);
    expect(cache.size).toBeLessThanOrEqual(200);
    expect(cache.get(9_999)).toBe(9_999);
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
