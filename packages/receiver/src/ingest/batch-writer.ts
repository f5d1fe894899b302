import { TokenLedgerError, StoreUnavailableError } from '../errors.js';

/**
 * Gathers rows from concurrent requests into one insert, by size and by time, and settles each
 * request only when its rows are stored: nothing is acknowledged before ClickHouse has it.
 *
 * One flush runs at a time. That keeps inserts large (what ClickHouse wants), and it makes the
 * "already stored?" check of a flush see everything earlier flushes wrote, so a span re-sent
 * while its first copy is still queued is caught too.
 */

export class QueueFullError extends TokenLedgerError {
  constructor(readonly retryAfterSeconds: number) {
    super('queue_full', 'the receiver is at its buffer limit; retry later');
  }
}

export interface BatchWriterOptions<Row> {
  /** Stores one batch; throwing rejects every request in it. */
  flush(rows: Row[]): Promise<void>;
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

export class BatchWriter<Row> {
  private queue: Row[] = [];
  private waiters: Waiter[] = [];
  private inFlightRows = 0;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** When the oldest queued row arrived: the time limit counts from there, not from the last flush. */
  private oldestQueuedAt = 0;

  constructor(private readonly options: BatchWriterOptions<Row>) {}

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
    if (this.flushing) return; // the running flush picks up the queue when it ends
    if (this.queue.length >= this.options.maxBatchRows) {
      this.startFlush();
    } else if (!this.timer) {
      const waited = performance.now() - this.oldestQueuedAt;
      this.timer = setTimeout(() => this.startFlush(), Math.max(0, this.options.maxWaitMs - waited));
    }
  }

  private startFlush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) this.schedule();
    });
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
    // Rows left behind arrived during the previous flush at the latest.
    if (this.queue.length > 0) this.oldestQueuedAt = performance.now();
    return taken;
  }

  private async flushOnce(): Promise<void> {
    const { rows, waiters } = this.take();
    this.inFlightRows = rows.length;
    const started = performance.now();
    try {
      await this.options.flush(rows);
      this.options.onFlush?.({ rows: rows.length, ms: performance.now() - started, ok: true });
      for (const w of waiters) w.resolve();
    } catch (err) {
      this.options.onFlush?.({ rows: rows.length, ms: performance.now() - started, ok: false });
      for (const w of waiters) w.reject(err);
    } finally {
      this.inFlightRows = 0;
    }
  }

  /** Stops taking writes and stores everything already accepted. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) this.startFlush();
      await this.flushing;
    }
  }
}
