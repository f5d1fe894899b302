import { randomUUID } from 'node:crypto';
import type { StoreClient } from '../clickhouse/store-client.js';
import { appendJournal, markDrained, type DrainedEntry, type DrainOutcome, type JournalEntry } from '../store/ingest-journal.js';
import { RowsRejectedError, type AheadCheck, type BatchWriter } from './batch-writer.js';
import type { IngestRow } from './ingest-row.js';
import { pendingCallsTsv } from './pending-calls.js';
import { drainOutcome } from './journal-replay.js';
import { splitRows } from './store-calls.js';

/**
 * Acknowledges from the write-ahead journal while requests come fast (docs/receiver.md "Journal").
 * An exporter with one request in flight waits for each answer, and an answer given only once
 * the request's rows are in llm_calls costs a part of llm_calls and one of its rollup per 500
 * spans: a fraction of what ClickHouse stores in batches of thousands. From `minInFlight` requests
 * in flight on average (a sender that waits on every answer), a request's rows are also written
 * to ingest_journal as one row, and the request is answered as soon as either write is done; the
 * batch writer stores the rows in llm_calls with whatever else arrived meanwhile, and records the
 * entry drained. Below that (a lone request,
 * a quiet app) nothing changes: the answer waits for llm_calls, and no journal row is written.
 *
 * Nothing is acknowledged before it is stored: the journal is a ClickHouse table. An entry whose
 * rows did not reach llm_calls (this process died, the insert failed) has no drained record and is
 * replayed by journal-replay.ts through the already-stored check, so it is billed once.
 */
export interface JournalPolicy {
  /** Requests in flight on average over the last second from which answers come from the journal; 0 = never. */
  minInFlight: number;
  /** This process, as written in each entry (coordination/work-claims.ts processHolder). */
  receiver: string;
  now(): Date;
  /** Drained records are written together at most this often (default 1,000 ms). */
  markEveryMs?: number;
  /** An entry written (its request may be answered from it). */
  onJournaled?(entry: JournalEntry): void;
  /** An acknowledged entry whose rows ClickHouse refused for good (kept in the journal as 'rejected'). */
  onRejected?(entry: JournalEntry, err: RowsRejectedError): void;
}

/**
 * Requests in flight on average over the last second (Little's law: their rate times their
 * answer time), from the answer times of those settled in two one-second buckets, the older
 * one weighted by its overlap. A sender waiting on every answer keeps it near 1 however fast
 * or slow the machine; a sporadic one keeps it near 0.
 */
class InFlightMeter {
  private bucket = 0;
  private current = 0;
  private previous = 0;

  settled(startedMs: number, nowMs: number): void {
    this.roll(nowMs);
    this.current += nowMs - startedMs;
  }

  average(nowMs: number): number {
    this.roll(nowMs);
    return (this.current + this.previous * (1 - (nowMs / 1000 - this.bucket))) / 1000;
  }

  private roll(nowMs: number): void {
    const bucket = Math.floor(nowMs / 1000);
    if (bucket === this.bucket) return;
    this.previous = bucket === this.bucket + 1 ? this.current : 0;
    this.current = 0;
    this.bucket = bucket;
  }
}

/** Where the records pile up at most, if ClickHouse refuses them a while (lost ones only cost a replay). */
const MAX_KEPT_MARKS = 10_000;

export class JournaledWriter {
  private readonly inFlight = new InFlightMeter();
  private marks: DrainedEntry[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** Entries whose journal row or insert is still in flight: their records come when both settle. */
  private readonly recording = new Set<Promise<unknown>>();
  /** Inserts of requests answered (or about to be) from the journal; they never reject. */
  private readonly unstored = new Set<Promise<unknown>>();

  constructor(
    private readonly store: StoreClient,
    private readonly writer: BatchWriter<IngestRow, unknown>,
    private readonly policy: JournalPolicy,
  ) {
    this.timer = setInterval(() => void this.flushMarks(), policy.markEveryMs ?? 1_000);
    this.timer.unref();
  }

  get full(): boolean {
    return this.writer.full;
  }

  write(rows: IngestRow[], ahead?: AheadCheck<IngestRow, unknown>): Promise<void> {
    const started = performance.now();
    const answered = this.answer(rows, ahead, started);
    // A failed answer kept its sender waiting too.
    const settled = () => this.inFlight.settled(started, performance.now());
    void answered.then(settled, settled);
    return answered;
  }

  private answer(rows: IngestRow[], ahead: AheadCheck<IngestRow, unknown> | undefined, started: number): Promise<void> {
    const waited = this.policy.minInFlight > 0 && this.inFlight.average(started) >= this.policy.minInFlight;
    // Past one insert's worth of pending rows, batches are full and cheap already, and the time is
    // spent on CPU rather than on waiting: a journal row would only add to ClickHouse's work.
    if (!waited || rows.length === 0 || !this.writer.accepts(rows.length) || !this.writer.withinOneBatch(rows.length)) return this.writer.write(rows, ahead);
    const entry = this.entryOf(rows);
    const stored = this.writer.write(rows, ahead);
    const journaled = appendJournal(this.store, entry).then(() => this.policy.onJournaled?.(entry));
    this.track(this.unstored, stored.catch(() => undefined));
    this.track(this.recording, Promise.allSettled([journaled, stored]).then(([j, s]) => j.status === 'fulfilled' && this.recordDrained(entry, s)));
    // The first of: the journal row written, or the insert settled (its failure answers when it comes first).
    return new Promise<void>((resolve, reject) => {
      stored.then(resolve, reject);
      journaled.then(resolve, () => undefined);
    });
  }

  /** An entry whose rows were refused for good is drained too; one whose insert may yet pass is left for the replay. */
  private recordDrained(entry: JournalEntry, stored: PromiseSettledResult<void>): void {
    const outcome = drainOutcome(stored);
    if (outcome) this.mark(entry, outcome);
    if (outcome === 'rejected') this.policy.onRejected?.(entry, (stored as PromiseRejectedResult).reason as RowsRejectedError);
  }

  private track(set: Set<Promise<unknown>>, work: Promise<unknown>): void {
    set.add(work);
    void work.finally(() => set.delete(work));
  }

  /**
   * Resolves once the calls of every request answered so far are in llm_calls (or their insert
   * failed and they wait for the replay): reads through this receiver see what it acknowledged.
   */
  async visible(): Promise<void> {
    await Promise.all(this.unstored);
  }

  private entryOf(rows: IngestRow[]): JournalEntry {
    const { calls, links } = splitRows(rows);
    const at = this.policy.now();
    return {
      batch_id: randomUUID(),
      receiver: this.policy.receiver,
      written_at: new Date(Math.floor(at.getTime() / 1000) * 1000),
      calls: calls.length,
      call_lines: pendingCallsTsv(calls),
      link_rows: links.length ? JSON.stringify(links) : '',
    };
  }

  private mark(entry: JournalEntry, outcome: DrainOutcome): void {
    if (this.marks.length < MAX_KEPT_MARKS) this.marks.push({ batch_id: entry.batch_id, written_at: entry.written_at, outcome });
  }

  /** Writes the drained records gathered so far in one insert; on failure they wait for the next. */
  private flushMarks(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const marks = this.marks.splice(0);
      try {
        await markDrained(this.store, marks, this.policy.now());
      } catch {
        this.marks.unshift(...marks.slice(0, MAX_KEPT_MARKS - this.marks.length));
      }
    });
    return this.flushing;
  }

  /** Call after the batch writer closed: every entry it drained gets its record. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.recording);
    await this.flushMarks();
  }
}
