import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { StoreClient } from '../clickhouse/store-client.js';
import type { OtlpFormat } from '../otlp/export-response.js';
import { appendJournal, markDrained, type DrainedEntry, type DrainOutcome, type JournalEntry, type RequestContent } from '../store/ingest-journal.js';
import { RowsRejectedError, type AheadCheck, type BatchWriter } from './batch-writer.js';
import type { IngestRow } from './ingest-row.js';
import { InFlightMeter } from './in-flight-meter.js';
import { JournalLookups } from './journal-lookups.js';
import { drainOutcome } from './journal-replay.js';

/**
 * Acknowledges from the write-ahead journal while senders wait on every answer (docs/receiver.md
 * "Journal"). An exporter with one request in flight waits for each answer, and an answer given
 * only once the request's rows are in llm_calls costs a part of llm_calls and of its rollup per
 * request: several times what ClickHouse spends per row on batches of thousands. From
 * `minInFlight` requests in flight on average, a request's body is written to ingest_journal as
 * one row as soon as it decoded (`begin`), while its spans are normalized and priced, and the
 * request is answered once both are done; the batch writer holds its rows (deferred) until a
 * full batch gathered or its linger ran out, stores them in llm_calls and records the entry
 * drained. Below that (a lone request, a quiet app) the answer waits for llm_calls, and no
 * journal row is written.
 *
 * Nothing is acknowledged before it is stored: the journal is a ClickHouse table. An entry whose
 * rows did not reach llm_calls (this process died, the insert failed) has no drained record and is
 * replayed by journal-replay.ts (decoded and priced again) through the already-stored check, so it
 * is billed once.
 *
 * A retry of an answered request may reach another receiver before the first one's insert: the
 * already-stored check cannot see those rows yet. So an entry's id is the request's content (its
 * body, hashed), and every request is looked up among the journal's recent entries before its
 * rows go to the batch writer: one that another receiver journaled first is that receiver's to
 * store (journal-lookups.ts).
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

/** A request's id from its content: an exporter retries the same bytes. */
function contentId(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

const gzipAsync = promisify(gzip);

/**
 * The body as the journal keeps it: gzip, compressed here (level 1, off the event loop) when the
 * exporter sent it plain. OTLP bodies shrink about ninefold, and ClickHouse writes each entry once
 * and merges it several times over while parts of one row each pile up: uncompressed bodies made
 * the journal's merges the largest part of ClickHouse's work at one request in flight
 * (docs/benchmarks.md, stop 25).
 */
async function keptContent(content: RequestContent): Promise<RequestContent> {
  if (content.encoding === 'gzip') return content;
  return { ...content, encoding: 'gzip', bytes: await gzipAsync(content.bytes, { level: 1, chunkSize: 128 * 1024 }) };
}

/** A request's body as the exporter sent it (`sent`, in `encoding`) and decompressed (`bytes`). */
export interface RequestBody {
  format: OtlpFormat;
  encoding: 'gzip' | 'identity';
  sent: Uint8Array;
  bytes: Uint8Array;
}

/**
 * A request begun by `begin`: its entry, and the journal row's write when the request is answered
 * from the journal (null: it waits for llm_calls). Its rows go to `write` with it.
 */
export interface JournalTicket {
  entry: JournalEntry;
  appended: Promise<void> | null;
}

/**
 * How long a lookup may wait for others to share its query (journal-lookups.ts): a request answered
 * from the journal, whose rows linger for a batch anyway (500 ms), and one whose sender waits while
 * the batch writer is busy (its rows would wait for the running insert): one query per batch,
 * not one per request.
 */
const ANSWERED_LOOKUP_WAIT_MS = 400;
const BUSY_LOOKUP_WAIT_MS = 50;

/** Waits between the attempts of storeAnswered: ~30 s in all. */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000];

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
  private readonly lookups: JournalLookups;
  /** Reads waiting for what was answered to be in llm_calls: nothing waits for a batch meanwhile. */
  private reading = 0;
  private readonly closing = new AbortController();

  constructor(
    private readonly store: StoreClient,
    private readonly writer: BatchWriter<IngestRow, unknown>,
    private readonly policy: JournalPolicy,
  ) {
    this.timer = setInterval(() => void this.flushMarks(), policy.markEveryMs ?? 1_000);
    this.timer.unref();
    // Gathered lookups go once their rows would fill the next batch: a burst of more would leave
    // the queue past one batch and turn the journal off for the requests that follow.
    this.lookups = new JournalLookups(store, policy.now, (rows) => !writer.fitsNextBatch(rows));
  }

  get full(): boolean {
    return this.writer.full;
  }

  /** Whether requests wait on their answers now, so that the next one is answered from the journal. */
  private engaged(now: number): boolean {
    return this.policy.minInFlight > 0 && this.inFlight.average(now) >= this.policy.minInFlight;
  }

  /**
   * A decoded request, before its spans are normalized: journals its body now when its answer
   * will come from the journal, so that the row is written while the spans are priced. Undefined
   * when the journal is off. `spans` bounds its rows; `receivedAt` is performance.now() on arrival.
   */
  begin(body: RequestBody, arrivedAt: Date, receivedAt: number, spans: number): JournalTicket | undefined {
    if (this.policy.minInFlight === 0) return undefined;
    const content: RequestContent = { kind: 'request', format: body.format, encoding: body.encoding, received_at_ms: arrivedAt.getTime(), bytes: body.sent };
    const entry: JournalEntry = {
      // The decompressed bytes: a retry may compress them otherwise, or not at all.
      batch_id: contentId(body.bytes),
      receiver: this.policy.receiver,
      written_at: new Date(Math.floor(this.policy.now().getTime() / 1000) * 1000),
      content,
    };
    // Beyond one batch's worth of queued rows ClickHouse is not keeping up: journal rows would only
    // add to its work, and the senders had better wait for the inserts.
    if (!this.engaged(receivedAt) || !this.writer.accepts(spans) || !this.writer.fitsNextBatch(spans)) return { entry, appended: null };
    const appended = keptContent(content).then(async (kept) => {
      await appendJournal(this.store, { ...entry, content: kept });
      this.policy.onJournaled?.(entry);
    });
    appended.catch(() => undefined); // awaited by write; a request that fails before it is replayed from its entry
    return { entry, appended };
  }

  /**
   * Stores a request's rows (see the class), with its ticket from `begin` unless the journal is
   * off. `receivedAt` (performance.now() when the request arrived) measures how long its sender
   * waited: the whole request, not this part alone.
   */
  write(rows: IngestRow[], ahead?: AheadCheck<IngestRow, unknown>, receivedAt = performance.now(), ticket?: JournalTicket): Promise<void> {
    const answered = this.answer(rows, ahead, ticket);
    // A failed answer kept its sender waiting too.
    const settled = () => this.inFlight.settled(receivedAt, performance.now());
    void answered.then(settled, settled);
    return answered;
  }

  private answer(rows: IngestRow[], ahead: AheadCheck<IngestRow, unknown> | undefined, ticket: JournalTicket | undefined): Promise<void> {
    if (!ticket) return this.writer.write(rows, ahead);
    const { entry, appended } = ticket;
    if (!appended) return this.lookups.yields(entry.batch_id, null, this.writer.idle ? 0 : BUSY_LOOKUP_WAIT_MS).then((yields) => (yields ? undefined : this.writer.write(rows, ahead)));
    if (rows.length === 0) {
      this.track(this.recording, appended.then(() => this.mark(entry, 'stored'), () => undefined));
      return Promise.resolve(); // nothing of it is billed
    }
    const stored = this.storeAnswered(entry, rows);
    this.track(this.unstored, stored.catch(() => undefined));
    this.track(this.recording, Promise.allSettled([appended, stored]).then(([j, s]) => j.status === 'fulfilled' && this.recordDrained(entry, s)));
    // The answer is the journal row's: once it failed the sender must retry, whatever the insert
    // does (it may still store the rows; the retry then finds them stored).
    return appended;
  }

  /**
   * Stores the rows of a request answered from the journal, unless another receiver's entry has
   * them ('elsewhere'). Its sender will not retry, so this does, lookup and insert, while the
   * failure may pass (ClickHouse down, a replica restarting, the queue full), for
   * up to ~30 s: well before the replay would take the entry (a minute), so the calls reach
   * llm_calls as soon as ClickHouse takes them again. Past that, or once closing (after one more
   * attempt), the entry is left to the replay.
   */
  private async storeAnswered(entry: JournalEntry, rows: IngestRow[]): Promise<'elsewhere' | undefined> {
    const own = { at: entry.written_at.getTime() / 1000, receiver: entry.receiver };
    for (let attempt = 0; ; attempt++) {
      try {
        if (await this.lookups.yields(entry.batch_id, own, this.reading === 0 ? ANSWERED_LOOKUP_WAIT_MS : 0, rows.length)) return 'elsewhere';
        await this.writer.write(rows, undefined, { deferred: this.reading === 0 });
        return undefined;
      } catch (err) {
        if (err instanceof RowsRejectedError || this.closing.signal.aborted || attempt === RETRY_DELAYS_MS.length) throw err;
        // Closing cuts the wait short: one more attempt, then the replay.
        await sleep(RETRY_DELAYS_MS[attempt]!, undefined, { signal: this.closing.signal }).catch(() => undefined);
      }
    }
  }

  /**
   * An entry whose rows were refused for good is drained too; one whose insert may yet pass is left
   * for the replay. One that yielded to another receiver's entry gets no record of its own: that
   * entry's record (the same id) covers both, and until it comes the replay would store them once.
   */
  private recordDrained(entry: JournalEntry, stored: PromiseSettledResult<void | 'elsewhere'>): void {
    if (stored.status === 'fulfilled' && stored.value === 'elsewhere') return;
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
    this.reading++;
    try {
      this.lookups.ask();
      this.writer.flush();
      await Promise.all(this.unstored);
    } finally {
      this.reading--;
    }
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

  /** Stores what was answered and writes the drained records; call before the batch writer closes. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closing.abort();
    this.reading++; // from now on no write waits for a batch
    this.lookups.ask();
    this.writer.flush();
    await Promise.all(this.recording);
    await this.flushMarks();
  }
}
