import { TokenLedgerError, StoreUnavailableError } from '../errors.js';

/**
 * Group commit: rows from concurrent requests are stored together, and each request is settled
 * only when its rows are stored, so nothing is acknowledged before ClickHouse has it. There is
 * no timer: a batch starts as soon as the writer is free, and what arrives while it runs forms
 * the next batch, up to `maxBatchRows`. At one request in flight every request is its own insert
 * (no waiting); under load batches grow by themselves until they reach the cap.
 *
 * Storing a batch has two stages. `prepare` (the "already stored?" check) of one batch runs while
 * the previous batch is being stored, so its round trip is off the critical path; what `prepare`
 * made of that previous batch is handed to it as `unconfirmed`, because the store cannot show
 * those rows yet. Stores run one at a time, in batch order. If the previous batch did not store
 * every row, the batch is prepared again against what is really stored: a row dropped as a repeat
 * of a row that never got stored must not be acknowledged.
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
  /** First stage of storing a batch; `unconfirmed` is the prepared batch being stored now, if any. */
  prepare(rows: Row[], unconfirmed: Prepared | null): Promise<Prepared>;
  /** Second stage: stores what `prepare` kept; all of it or (throwing) none of it. */
  store(prepared: Prepared): Promise<void>;
  /** True when retrying the same rows cannot succeed: the batch is then split to isolate them. */
  isPermanent(err: unknown): boolean;
  maxBatchRows: number;
  /** Rows waiting (queued + in flight) beyond which new writes are refused at once. */
  maxPendingRows: number;
  onFlush?(stats: { rows: number; ms: number; ok: boolean }): void;
}

interface Waiter<Row> {
  rows: Row[];
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

interface Storing<Prepared> {
  prepared: Prepared;
  /** Settles when the store ends: true when every row of `prepared` was stored. */
  complete: Promise<boolean>;
}

export class BatchWriter<Row, Prepared = unknown> {
  private waiters: Waiter<Row>[] = [];
  private queuedRows = 0;
  private inFlightRows = 0;
  /** The batch in its prepare stage (at most one), and the batch being stored (at most one). */
  private preparing: Promise<void> | null = null;
  private storing: Storing<Prepared> | null = null;
  private closed = false;

  constructor(private readonly options: BatchWriterOptions<Row, Prepared>) {}

  get pendingRows(): number {
    return this.queuedRows + this.inFlightRows;
  }

  /** Resolves when `rows` are stored; rejects with QueueFullError, RowsRejectedError or the store's error. */
  write(rows: Row[]): Promise<void> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the receiver is shutting down'));
    if (rows.length === 0) return Promise.resolve();
    if (this.pendingRows + rows.length > this.options.maxPendingRows) return Promise.reject(new QueueFullError(1));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ rows, settled: false, resolve, reject });
      this.queuedRows += rows.length;
      this.schedule();
    });
  }

  /** Starts the next batch unless one is in its prepare stage (it schedules again when it leaves). */
  private schedule(): void {
    if (this.preparing || this.waiters.length === 0) return;
    const waiters = this.take();
    const rows = waiters.flatMap((w) => w.rows);
    this.queuedRows -= rows.length;
    this.inFlightRows += rows.length;
    // Started a microtask later, so that even a prepare that throws at once leaves the prepare
    // stage after this assignment, not before it.
    this.preparing = Promise.resolve().then(() => this.runBatch(rows, waiters));
  }

  /** Whole requests up to the cap (at least one), so a request is never half stored. */
  private take(): Waiter<Row>[] {
    let count = 0;
    let n = 0;
    while (n < this.waiters.length && (n === 0 || count + this.waiters[n]!.rows.length <= this.options.maxBatchRows)) {
      count += this.waiters[n]!.rows.length;
      n++;
    }
    return this.waiters.splice(0, n);
  }

  /** prepare (overlapping the previous store) → wait for that store → store; then settle the requests. */
  private async runBatch(rows: Row[], waiters: Waiter<Row>[]): Promise<void> {
    const started = performance.now();
    const previous = this.storing;
    let endStore: ((complete: boolean) => void) | undefined;
    try {
      let prepared = await this.options.prepare(rows, previous ? previous.prepared : null);
      if (previous && !(await previous.complete)) prepared = await this.options.prepare(rows, null);
      const mine: Storing<Prepared> = { prepared, complete: new Promise((resolve) => (endStore = resolve)) };
      this.storing = mine;
      this.leavePrepare();
      const complete = await this.storeIsolating(waiters, prepared).finally(() => {
        if (this.storing === mine) this.storing = null;
      });
      endStore!(complete);
      this.options.onFlush?.({ rows: rows.length, ms: performance.now() - started, ok: complete });
    } catch (err) {
      if (endStore) endStore(false);
      else this.leavePrepare();
      this.options.onFlush?.({ rows: rows.length, ms: performance.now() - started, ok: false });
      for (const w of waiters) this.settle(w, err);
    }
  }

  /** Answers a request once; its rows stop counting as pending before its caller resumes. */
  private settle(w: Waiter<Row>, err?: unknown): void {
    if (w.settled) return;
    w.settled = true;
    this.inFlightRows -= w.rows.length;
    if (err === undefined) w.resolve();
    else w.reject(err);
  }

  /**
   * Stores `prepared` (the rows of `waiters`) and settles each waiter; true when all were stored.
   * On a permanent failure the halves are prepared again on their own, against what the first
   * half stored, so no request is acknowledged for a row that was kept only in a failed half.
   */
  private async storeIsolating(waiters: Waiter<Row>[], prepared: Prepared): Promise<boolean> {
    try {
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
          await this.storeIsolating(part, await this.options.prepare(part.flatMap((w) => w.rows), null));
        } catch (partErr) {
          for (const w of part) this.settle(w, partErr);
        }
      }
      return false;
    }
  }

  /** Called once per batch, when it leaves the prepare stage: the next batch may start its own. */
  private leavePrepare(): void {
    this.preparing = null;
    this.schedule();
  }

  /** Stops taking writes and stores everything already accepted. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.preparing || this.storing || this.waiters.length > 0) {
      if (!this.preparing) this.schedule();
      await (this.preparing ?? this.storing?.complete);
    }
  }
}
