interface Entry {
  client: string;
  nanos: bigint;
  reservedAt: number;
  /** When the receiver acknowledged the span (stored it); null while the call runs or its span waits. */
  storedAt: number | null;
}

/**
 * The gateway's own spend that the receiver's budget answer cannot include yet: calls in flight
 * (an estimate reserved at request time, replaced by the real cost when the answer is read) and
 * calls whose span is not yet acknowledged by the receiver. An entry stops counting once a budget
 * answer asked for after its span was stored is in hand: that answer includes it.
 * Keyed by span id, which the exporter hands back when the receiver acknowledges.
 */
export class UnstoredSpend {
  private readonly entries = new Map<string, Entry>();
  private readonly byClient = new Map<string, Set<string>>();

  reserve(id: string, client: string, nanos: bigint, at: number): void {
    this.entries.set(id, { client, nanos, reservedAt: at, storedAt: null });
    const ids = this.byClient.get(client) ?? new Set<string>();
    ids.add(id);
    this.byClient.set(client, ids);
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

  /** Spend of `client` not in a budget answer asked for at `askedAt`; forgets what that answer covers. */
  pendingFor(client: string, askedAt: number): bigint {
    const ids = this.byClient.get(client);
    if (ids === undefined) return 0n;
    let total = 0n;
    for (const id of ids) {
      const entry = this.entries.get(id)!;
      if (entry.storedAt !== null && entry.storedAt < askedAt) {
        ids.delete(id);
        this.entries.delete(id);
      } else {
        total += entry.nanos;
      }
    }
    if (ids.size === 0) this.byClient.delete(client);
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
      if (!gone) continue;
      this.entries.delete(id);
      const ids = this.byClient.get(entry.client);
      ids?.delete(id);
      if (ids?.size === 0) this.byClient.delete(entry.client);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
