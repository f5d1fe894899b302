import type { StoreClient } from '../clickhouse/store-client.js';
import { entriesOfIds, type EntryStamp } from '../store/ingest-journal.js';

/** How far back a request is looked up among other receivers' entries (journal-replay.ts replays after a minute). */
const LOOKUP_MS = 5 * 60_000;
/** Lookups asked together: the ids stay a short IN list. */
const MAX_IDS = 100;

/** This receiver's own entry of the request, if it wrote one. */
export type OwnEntry = Pick<EntryStamp, 'at' | 'receiver'>;

interface Lookup {
  id: string;
  own: OwnEntry | null;
  rows: number;
  resolve(yields: boolean): void;
  reject(err: unknown): void;
}

/**
 * A request is another receiver's to store when that receiver journaled the same content first:
 * its entry is older, or as old and its receiver's name sorts first. Entries of one content thus
 * have one owner, so copies answered at the same moment by several receivers are stored once,
 * and not zero times. A request this receiver did not journal yields to any entry.
 */
export function yieldsTo(own: OwnEntry | null, others: readonly EntryStamp[]): boolean {
  return others.some((e) => e.receiver !== own?.receiver && (own === null || e.at < own.at || (e.at === own.at && e.receiver < own.receiver)));
}

/**
 * Whether a request is stored by another receiver's journal entry (journaled-writer.ts), asked of
 * ClickHouse for many requests at once: a query costs about as much CPU as a journal row, so one
 * per request would add a third to ClickHouse's work. A lookup that may wait (its rows wait for a
 * batch anyway) gathers others for up to its `waitMs`; one that may not goes at the next turn of
 * the event loop with whatever else asked.
 */
export class JournalLookups {
  private queued: Lookup[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** performance.now() when the timer fires. */
  private due = 0;
  private soon = false;

  /** `enough(rows)`: the queued requests' rows are reason to ask now. */
  constructor(
    private readonly store: StoreClient,
    private readonly now: () => Date,
    private readonly enough: (rows: number) => boolean = () => false,
  ) {}

  /**
   * Whether the request of content `id` (with `rows` rows) is another receiver's to store; asked
   * within `waitMs` (0: at the next turn of the event loop).
   */
  yields(id: string, own: OwnEntry | null, waitMs: number, rows = 0): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queued.push({ id, own, rows, resolve, reject });
      if (waitMs <= 0 || this.queued.length >= MAX_IDS || this.enough(this.queued.reduce((n, l) => n + l.rows, 0))) return this.askSoon();
      const due = performance.now() + waitMs;
      if (this.timer && this.due <= due) return;
      if (this.timer) clearTimeout(this.timer);
      this.due = due;
      this.timer = setTimeout(() => this.ask(), waitMs);
    });
  }

  /** Asks for every queued lookup now (a read needs what waits on them). */
  ask(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (let asked = this.queued.splice(0, MAX_IDS); asked.length > 0; asked = this.queued.splice(0, MAX_IDS)) this.askOf(asked);
  }

  private askOf(asked: Lookup[]): void {
    const since = new Date(this.now().getTime() - LOOKUP_MS);
    entriesOfIds(this.store, [...new Set(asked.map((l) => l.id))], since).then(
      (entries) => asked.forEach((l) => l.resolve(yieldsTo(l.own, entries.filter((e) => e.batch_id === l.id)))),
      (err: unknown) => asked.forEach((l) => l.reject(err)),
    );
  }

  private askSoon(): void {
    if (this.soon) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      this.ask();
    });
  }
}
