interface Entry {
  /** The budgets the call counts against: its client, and the scoped budgets that hold it. */
  keys: Set<string>;
  nanos: bigint;
  reservedAt: number;
  /** When the receiver acknowledged the span (stored it); null while the call runs or its span waits. */
  storedAt: number | null;
}

/**
 * The gateway's own spend that the receiver's budget answer cannot include yet: calls in flight
 * (an estimate reserved at request time, replaced by the real cost when the answer is read) and
 * calls whose span is not yet acknowledged by the receiver. An entry stops counting against a
 * budget once an answer for that budget asked for after its span was stored is in hand: that
 * answer includes it. Keyed by span id, which the exporter hands back when the receiver
 * acknowledges. A budget key is a client id, or a scope's key (cap-guard.ts) for scoped budgets.
 */
export class UnstoredSpend {
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, Set<string>>();

  reserve(id: string, keys: readonly string[], nanos: bigint, at: number): void {
    this.entries.set(id, { keys: new Set(keys), nanos, reservedAt: at, storedAt: null });
    for (const key of keys) {
      const ids = this.byKey.get(key) ?? new Set<string>();
      ids.add(id);
      this.byKey.set(key, ids);
    }
  }

  /** Whether a call is reserved (its real cost is wanted once known). */
  holds(id: string): boolean {
    return this.entries.has(id);
  }

  /** The real cost, known once the answer was read (0n for a failed or refused upstream call). */
  settle(id: string, nanos: bigint): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) entry.nanos = nanos;
  }

  /** The receiver answered the export carrying this span (or the span was dropped: nothing more will be stored). */
  stored(id: string, at: number): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) entry.storedAt = at;
  }

  /** Spend against `key` not in a budget answer asked for at `askedAt`; forgets what that answer covers. */
  pendingFor(key: string, askedAt: number): bigint {
    const ids = this.byKey.get(key);
    if (ids === undefined) return 0n;
    let total = 0n;
    for (const id of ids) {
      const entry = this.entries.get(id)!;
      if (entry.storedAt !== null && entry.storedAt < askedAt) this.drop(id, key);
      else total += entry.nanos;
    }
    return total;
  }

  /**
   * Forgets entries that no budget answer in use can miss: stored before `storedBefore` (older than
   * any answer the cache still hands out), or reserved before `reservedBefore` and never stored (a
   * span the SDK dropped: the receiver will never count it either). Keeps memory bounded for
   * clients that stop calling.
   */
  sweep(storedBefore: number, reservedBefore: number): void {
    for (const [id, entry] of this.entries) {
      const gone = entry.storedAt === null ? entry.reservedAt < reservedBefore : entry.storedAt < storedBefore;
      if (gone) for (const key of [...entry.keys]) this.drop(id, key);
    }
  }

  /** No longer counted against `key`; the entry goes once no budget counts it. */
  private drop(id: string, key: string): void {
    const entry = this.entries.get(id);
    entry?.keys.delete(key);
    if (entry?.keys.size === 0) this.entries.delete(id);
    const ids = this.byKey.get(key);
    ids?.delete(id);
    if (ids?.size === 0) this.byKey.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
