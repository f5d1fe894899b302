import { TokenLedgerError, StoreUnavailableError } from '../errors.js';

/**
 * Gathers rows from concurrent requests into one insert, by size and by time, and settles each
 * request only when its rows are stored: nothing is acknowledged before ClickHouse has it.
 *
 * Storing a batch has two stages. `prepare` (the "already stored?" check) of one batch runs while
 * the previous batch is being stored, so the check's round trip is off the critical path; what
 * `prepare` made of that previous batch is handed to it as `unconfirmed`, because the store
 * cannot show those rows yet. Stores run one at a time, in batch order, which keeps inserts large (what ClickHouse
 * wants). A batch prepared against an unconfirmed batch whose store then fails fails too: a row
 * dropped as a repeat of a row that never got stored must not be acknowledged.
 */

export class QueueFullError extends TokenLedgerError {
  constructor(readonly retryAfterSeconds: number) {
    super('queue_full', 'the receiver is at its buffer limit; retry later');
  }
}

export interface BatchWriterOptions<Row, Prepared> {
  /** First stage of storing a batch; `unconfirmed` is the prepared batch being stored now, if any. */
  prepare(rows: Row[], unconfirmed: Prepared | null): Promise<Prepared>;
  /** Second stage: stores what `prepare` kept; throwing rejects every request in the batch. */
  store(prepared: Prepared): Promise<void>;
  maxBatchRows: number;
  maxWaitMs: number;
  /** Rows waiting (queued + in flight) beyond which new writes are refused at once. */
  maxPendingRows: number;
  onFlush?(stats: { rows: number; ms: number; ok: boolean }): void;
}

interface Waiter {
  rows: number;
  resolve(): void;
  reject(err: unknown): void;
}

interface Storing<Prepared> {
  prepared: Prepared;
  /** Settles when the store ends: undefined when it succeeded, else its error. */
  outcome: Promise<unknown>;
}

export class BatchWriter<Row, Prepared = unknown> {
  private queue: Row[] = [];
  private waiters: Waiter[] = [];
  private inFlightRows = 0;
  /** The batch in its prepare stage (at most one), and the batch being stored (at most one). */
  private preparing: Promise<void> | null = null;
  private storing: Storing<Prepared> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** When the oldest queued row arrived: the time limit counts from there, not from the last flush. */
  private oldestQueuedAt = 0;

  constructor(private readonly options: BatchWriterOptions<Row, Prepared>) {}

  get pendingRows(): number {
    return this.queue.length + this.inFlightRows;
  }

  /** Resolves when `rows` are stored; rejects with QueueFullError or the store's error. */
  write(rows: Row[]): Promise<void> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the receiver is shutting down'));
    if (rows.length === 0) return Promise.resolve();
    if (this.pendingRows + rows.length > this.options.maxPendingRows) return Promise.reject(new QueueFullError(1));
    return new Promise<void>((resolve, reject) => {
      if (this.queue.length === 0) this.oldestQueuedAt = performance.now();
      for (const row of rows) this.queue.push(row);
      this.waiters.push({ rows: rows.length, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.preparing || this.queue.length === 0) return; // a batch leaving prepare schedules again
    if (this.queue.length >= this.options.maxBatchRows) {
      this.startBatch();
    } else if (!this.timer) {
      const waited = performance.now() - this.oldestQueuedAt;
      this.timer = setTimeout(() => this.startBatch(), Math.max(0, this.options.maxWaitMs - waited));
    }
  }

  private startBatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.preparing || this.queue.length === 0) return;
    const { rows, waiters } = this.take();
    this.inFlightRows += rows.length;
    // Started a microtask later, so that even a prepare that throws at once leaves the prepare
    // stage after this assignment, not before it.
    this.preparing = Promise.resolve().then(() => this.runBatch(rows, waiters));
  }

  /** Takes whole requests only, so a request is never half stored. */
  private take(): { rows: Row[]; waiters: Waiter[] } {
    let count = 0;
    let n = 0;
    while (n < this.waiters.length && (n === 0 || count + this.waiters[n]!.rows <= this.options.maxBatchRows)) {
      count += this.waiters[n]!.rows;
      n++;
    }
    const taken = { rows: this.queue.splice(0, count), waiters: this.waiters.splice(0, n) };
    // Rows left behind arrived during the previous batch at the latest.
    if (this.queue.length > 0) this.oldestQueuedAt = performance.now();
    return taken;
  }

  /** prepare (overlapping the previous store) → wait for that store → store; then settle the requests. */
  private async runBatch(rows: Row[], waiters: Waiter[]): Promise<void> {
    const started = performance.now();
    const previous = this.storing;
    let endStore: ((outcome: unknown) => void) | undefined;
    try {
      const prepared = await this.options.prepare(rows, previous ? previous.prepared : null);
      const failed = previous && (await previous.outcome);
      if (failed) throw failed;
      const mine: Storing<Prepared> = { prepared, outcome: new Promise((resolve) => (endStore = resolve)) };
      this.storing = mine;
      this.leavePrepare();
      try {
        await this.options.store(prepared);
      } finally {
        if (this.storing === mine) this.storing = null;
      }
      endStore!(undefined);
      this.options.onFlush?.({ rows: rows.length, ms: performance.now() - started, ok: true });
      for (const w of waiters) w.resolve();
    } catch (err) {
      if (endStore) endStore(err);
      else this.leavePrepare();
      this.options.onFlush?.({ rows: rows.length, ms: performance.now() - started, ok: false });
      for (const w of waiters) w.reject(err);
    } finally {
      this.inFlightRows -= rows.length;
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
    while (this.preparing || this.storing || this.queue.length > 0) {
      if (!this.preparing && this.queue.length > 0) this.startBatch();
      await (this.preparing ?? this.storing?.outcome);
    }
  }
}
