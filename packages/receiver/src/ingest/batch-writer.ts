import { TokenLedgerError, StoreUnavailableError } from '../errors.js';

/**
 * Group commit: rows from concurrent requests are stored together, and each request is settled
 * only when its rows are stored, so nothing is acknowledged before ClickHouse has it. There is
 * no timer: a batch starts as soon as no insert is running, and what arrives while one runs forms
 * the next batch, up to `maxBatchRows`. At one request in flight every request is its own insert
 * (no waiting); under load batches grow by themselves until they reach the cap.
 *
 * Storing a batch has two stages. `prepare` (the "already stored?" check) of the next batch starts
 * while the current one is being stored, so its round trip is off the critical path; the batch
 * being stored is handed to it as `unconfirmed`, because the store cannot show those rows yet.
 * Requests that arrive later during that insert join the next batch with a check of their own,
 * chained after the batch's (against the insert and the batch so far: those that arrive while one
 * such check waits share the next), so they too are checked while the insert runs. Requests that
 * arrive between inserts join the batch when the store slot frees, checked against its kept rows,
 * so no request waits behind a batch that was taken too early. If the batch it was prepared
 * against did not store every row, the batch is prepared again against what is really stored: a
 * row dropped as a repeat of a row that never got stored must not be acknowledged.
 *
 * A request written while the writer was idle may bring its own check, started before the request
 * was written (from its decoded spans, while they were normalized and priced: see AheadCheck). It
 * stands for `prepare` when its batch is that request alone and no insert started since it began:
 * the store then holds exactly what it held when the check read it. Otherwise it is ignored.
 *
 * A write may be `deferred` (its sender was answered already, from the journal): it does not start
 * a batch by itself but waits up to `maxLingerMs` for others, so that rows nobody waits on are
 * stored in full batches. A batch starts when the deferred rows reach `maxBatchRows`, when the
 * oldest has waited `maxLingerMs`, when a write that is not deferred arrives, or on `flush`.
 *
 * A failure `isPermanent` says the rows caused (ClickHouse will refuse them however often they
 * are sent) splits the batch by request and stores each half on its own, so one request's poison
 * rows fail that request alone; a lone failing request is refused with RowsRejectedError.
 */

export class QueueFullError extends TokenLedgerError {
  constructor(readonly retryAfterSeconds: number) {
    super('queue_full', 'the receiver is at its buffer limit; retry later');
  }
}

/** The rows of one request that ClickHouse refuses for good (after its batch was split to find them). */
export class RowsRejectedError extends TokenLedgerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('rows_rejected', `ClickHouse refused the rows of this request: ${message}`, options);
  }
}

export interface BatchWriterOptions<Row, Prepared> {
  /** First stage of storing rows; `unconfirmed` holds rows not visible in the store yet that these must not repeat. */
  prepare(rows: Row[], unconfirmed: Prepared | null): Promise<Prepared>;
  /** One batch of two prepared parts, the second prepared against the first. */
  combine(first: Prepared, second: Prepared): Prepared;
  /** Second stage: stores what `prepare` kept; all of it or (throwing) none of it. */
  store(prepared: Prepared): Promise<void>;
  /** True when retrying the same rows cannot succeed: the batch is then split to isolate them. */
  isPermanent(err: unknown): boolean;
  maxBatchRows: number;
  /** How long a deferred write waits for others before its batch starts (default 500 ms). */
  maxLingerMs?: number;
  /** Rows waiting (queued + in flight) beyond which new writes are refused at once. */
  maxPendingRows: number;
  onFlush?(stats: { rows: number; ms: number; ok: boolean }): void;
}

/**
 * A request's already-stored check, started while the writer was `idle`, before the request was
 * written. `epoch` is the writer's `epoch` when it started; `prepare` answers null when the
 * check does not cover `rows` (the batch is then prepared as usual).
 */
export interface AheadCheck<Row, Prepared> {
  epoch: number;
  prepare(rows: Row[]): Promise<Prepared | null>;
}

interface Waiter<Row, Prepared> {
  rows: Row[];
  ahead: AheadCheck<Row, Prepared> | undefined;
  /** performance.now() until which this write may wait for others; 0 when it must start at once. */
  holdUntil: number;
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

/** The next batch: its requests and its check, started against the batch being stored then (if any). */
interface NextBatch<Row, Prepared> {
  waiters: Waiter<Row, Prepared>[];
  prepared: Promise<Prepared>;
  /** The batch being stored when this one's check started; null when none was. */
  against: Prepared | null;
  /** Requests joined during the insert whose check has not started yet (it waits for the one before). */
  joining: Waiter<Row, Prepared>[] | null;
}

const rowsOf = <Row>(waiters: readonly { rows: Row[] }[]): Row[] => waiters.flatMap((w) => w.rows);

export class BatchWriter<Row, Prepared = unknown> {
  private waiters: Waiter<Row, Prepared>[] = [];
  private queuedRows = 0;
  private inFlightRows = 0;
  private next: NextBatch<Row, Prepared> | null = null;
  /** The batch being inserted now; null between inserts. */
  private storing: Prepared | null = null;
  /** The store loop, while it runs (one at a time: inserts go one after another, in batch order). */
  private loop: Promise<void> | null = null;
  private closed = false;
  private inserts = 0;
  private lingerTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: BatchWriterOptions<Row, Prepared>) {}

  get pendingRows(): number {
    return this.queuedRows + this.inFlightRows;
  }

  /** At the pending limit: a request can be refused before its body is even read. */
  get full(): boolean {
    return this.pendingRows >= this.options.maxPendingRows;
  }

  /** Whether `write` would take `rows` more rows now (not shutting down, within the pending limit). */
  accepts(rows: number): boolean {
    return !this.closed && this.pendingRows + rows <= this.options.maxPendingRows;
  }

  /** Whether the rows queued for the next batch, with `rows` more, are at most one insert's worth: ClickHouse keeps up. */
  fitsNextBatch(rows: number): boolean {
    return this.queuedRows + rows <= this.options.maxBatchRows;
  }

  /** Inserts started so far: a check that began at this epoch still holds while it is unchanged. */
  get epoch(): number {
    return this.inserts;
  }

  /** Nothing queued, checked or stored: a check started now sees everything this writer stored. */
  get idle(): boolean {
    return this.loop === null && this.waiters.length === 0;
  }

  /** Resolves when `rows` are stored; rejects with QueueFullError, RowsRejectedError or the store's error. */
  write(rows: Row[], ahead?: AheadCheck<Row, Prepared>, options: { deferred?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the receiver is shutting down'));
    if (rows.length === 0) return Promise.resolve();
    if (!this.accepts(rows.length)) return Promise.reject(new QueueFullError(1));
    const holdUntil = options.deferred ? performance.now() + (this.options.maxLingerMs ?? 500) : 0;
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ rows, ahead, holdUntil, settled: false, resolve, reject });
      this.queuedRows += rows.length;
      this.schedule();
    });
  }

  /** Starts storing the deferred writes now: a read is about to need them in the store. */
  flush(): void {
    for (const w of this.waiters) w.holdUntil = 0;
    this.schedule();
  }

  /** Every queued write is deferred, still within its linger, and together they fill less than a batch. */
  private lingering(now: number): boolean {
    return !this.closed && this.queuedRows < this.options.maxBatchRows && this.waiters.every((w) => w.holdUntil > now);
  }

  /** Runs `schedule` when the oldest deferred write's linger is over. */
  private wakeAt(holdUntil: number, now: number): void {
    if (this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      this.schedule();
    }, holdUntil - now);
  }

  /**
   * Idle: start a batch now. Inserting: start the next batch's check against the insert, or join
   * the next batch already started. Between inserts the loop takes queued requests itself, so
   * nothing is checked against a stale store.
   */
  private schedule(): void {
    if (this.waiters.length === 0) return;
    const now = performance.now();
    if (!this.next && this.lingering(now)) return this.wakeAt(this.waiters[0]!.holdUntil, now);
    if (this.next) {
      if (this.storing !== null && this.next.against === this.storing) this.join(this.next, this.storing);
      return;
    }
    if (!this.loop) {
      this.next = this.startNext(null);
      this.loop = this.run().finally(() => {
        this.loop = null;
        this.schedule();
      });
    } else if (this.storing !== null) {
      this.next = this.startNext(this.storing);
    }
  }

  private startNext(unconfirmed: Prepared | null): NextBatch<Row, Prepared> {
    const waiters = this.take(this.options.maxBatchRows, true);
    const ahead = unconfirmed === null && waiters.length === 1 && waiters[0]!.ahead?.epoch === this.inserts ? waiters[0]!.ahead : undefined;
    const rows = rowsOf(waiters);
    // Started a microtask later, so that a prepare that throws at once rejects this promise.
    const prepared = Promise.resolve().then(async () => (ahead && (await ahead.prepare(rows))) ?? this.options.prepare(rows, unconfirmed));
    prepared.catch(() => undefined); // awaited, and its failure handled, by the loop
    return { waiters, prepared, against: unconfirmed, joining: null };
  }

  /** Adds queued requests to `next` while `storing` is inserted, checked after next's check so far. */
  private join(next: NextBatch<Row, Prepared>, storing: Prepared): void {
    const joined = this.take(this.options.maxBatchRows - rowsOf(next.waiters).length, false);
    if (joined.length === 0) return;
    next.waiters.push(...joined);
    if (next.joining) {
      next.joining.push(...joined);
      return;
    }
    next.joining = joined;
    next.prepared = next.prepared.then(async (sofar) => {
      next.joining = null; // who joins from now on waits for this check
      const { combine, prepare } = this.options;
      return combine(sofar, await prepare(rowsOf(joined), combine(storing, sofar)));
    });
    next.prepared.catch(() => undefined); // as in startNext: the loop awaits it and handles its failure
  }

  /** Whole queued requests within `room` rows (at least one when `atLeastOne`): a request is never half stored. */
  private take(room: number, atLeastOne: boolean): Waiter<Row, Prepared>[] {
    let count = 0;
    let n = 0;
    while (n < this.waiters.length && ((atLeastOne && n === 0) || count + this.waiters[n]!.rows.length <= room)) {
      count += this.waiters[n]!.rows.length;
      n++;
    }
    this.queuedRows -= count;
    this.inFlightRows += count;
    return this.waiters.splice(0, n);
  }

  private async run(): Promise<void> {
    let lastComplete = true;
    while (this.next) {
      const batch = this.next;
      this.next = null;
      lastComplete = await this.runBatch(batch, lastComplete);
    }
  }

  /** Finishes the batch's check, lets late requests join, stores it; true when every row was stored. */
  private async runBatch(batch: NextBatch<Row, Prepared>, lastComplete: boolean): Promise<boolean> {
    const started = performance.now();
    let waiters = batch.waiters;
    let prepared: Prepared;
    try {
      prepared = await batch.prepared;
      if (batch.against !== null && !lastComplete) prepared = await this.options.prepare(rowsOf(waiters), null);
      const late = this.take(this.options.maxBatchRows - rowsOf(waiters).length, false);
      if (late.length > 0) {
        waiters = [...waiters, ...late];
        prepared = this.options.combine(prepared, await this.options.prepare(rowsOf(late), prepared));
      }
    } catch (err) {
      for (const w of waiters) this.settle(w, err);
      this.options.onFlush?.({ rows: rowsOf(waiters).length, ms: performance.now() - started, ok: false });
      return true; // nothing was prepared against this batch
    }
    this.storing = prepared;
    this.schedule();
    let complete = false;
    try {
      complete = await this.storeIsolating(waiters, prepared);
    } catch (err) {
      for (const w of waiters) this.settle(w, err);
    } finally {
      this.storing = null;
    }
    this.options.onFlush?.({ rows: rowsOf(waiters).length, ms: performance.now() - started, ok: complete });
    return complete;
  }

  /**
   * Stores `prepared` (the rows of `waiters`) and settles each waiter; true when all were stored.
   * On a permanent failure the halves are prepared again on their own, against what the first
   * half stored, so no request is acknowledged for a row that was kept only in a failed half.
   */
  private async storeIsolating(waiters: Waiter<Row, Prepared>[], prepared: Prepared): Promise<boolean> {
    try {
      this.inserts++;
      await this.options.store(prepared);
      for (const w of waiters) this.settle(w);
      return true;
    } catch (err) {
      if (!this.options.isPermanent(err)) throw err;
      if (waiters.length === 1) {
        this.settle(waiters[0]!, new RowsRejectedError((err as Error).message, { cause: err }));
        return false;
      }
      const half = Math.ceil(waiters.length / 2);
      for (const part of [waiters.slice(0, half), waiters.slice(half)]) {
        try {
          await this.storeIsolating(part, await this.options.prepare(rowsOf(part), null));
        } catch (partErr) {
          for (const w of part) this.settle(w, partErr);
        }
      }
      return false;
    }
  }

  /** Answers a request once; its rows stop counting as pending before its caller resumes. */
  private settle(w: Waiter<Row, Prepared>, err?: unknown): void {
    if (w.settled) return;
    w.settled = true;
    this.inFlightRows -= w.rows.length;
    if (err === undefined) w.resolve();
    else w.reject(err);
  }

  /** Stops taking writes and stores everything already accepted. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    while (this.loop || this.waiters.length > 0) {
      this.schedule();
      await this.loop;
    }
  }
}
