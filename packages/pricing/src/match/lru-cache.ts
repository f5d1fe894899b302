/**
 * A bounded, approximately-LRU cache in two generations (the quick-lru scheme): hits in the
 * current Map cost one lookup and no reordering; a hit in the previous generation is promoted;
 * when the current generation fills, it becomes the previous one and the old previous is
 * dropped. At most 2 x maxEntries keys are held. Model ids come from untrusted spans, so an
 * unbounded memo would grow without limit.
 */
export class LruCache<K, V> {
  readonly #max: number;
  #current = new Map<K, V>();
  #previous = new Map<K, V>();

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('cache size must be a positive integer');
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  get(key: K): V | undefined {
    const hit = this.#current.get(key);
    if (hit !== undefined) return hit;
    const old = this.#previous.get(key);
    if (old !== undefined) {
      this.#previous.delete(key);
      this.#insert(key, old);
    }
    return old;
  }

  set(key: K, value: V): void {
    if (this.#current.has(key)) this.#current.set(key, value);
    else {
      this.#previous.delete(key);
      this.#insert(key, value);
    }
  }

  #insert(key: K, value: V): void {
    if (this.#current.size >= this.#max) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
    this.#current.set(key, value);
  }
}
