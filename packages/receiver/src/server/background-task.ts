/**
 * A periodic job of a receiver (settle, the budget refresh) that never overlaps itself and backs
 * off while ClickHouse is failing or slow, so a struggling server is not handed a second copy of
 * the same heavy query every interval (issue #13 item 5; docs/operations.md "Background work").
 *
 * - single flight: a run is never started while one is running; requests made meanwhile are
 *   coalesced into one run right after it;
 * - backoff: after a failed run, or one that took longer than `slowMs`, the next waits twice as
 *   long as the last wait (from `intervalMs` up to `maxBackoffMs`); one good run resets it.
 */
export type RunOutcome = 'ok' | 'failed' | 'slow';

export interface BackgroundTaskOptions {
  intervalMs: number;
  maxBackoffMs: number;
  /** A run longer than this counts as slow (default: the interval). */
  slowMs?: number;
  run(): Promise<void>;
  /** Every run's outcome (metrics, a log line for failures). */
  onOutcome?(outcome: RunOutcome, error: Error | null, ms: number): void;
}

export class BackgroundTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private pending = false;
  private delayMs: number;
  private closed = false;

  constructor(private readonly options: BackgroundTaskOptions) {
    this.delayMs = options.intervalMs;
  }

  /** Schedules the first run one interval from now. */
  start(): void {
    this.schedule(this.options.intervalMs);
  }

  /** Asks for a run soon: now when idle and not backing off, else after the current one. */
  request(): void {
    if (this.closed) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    if (this.delayMs === this.options.intervalMs) this.schedule(0);
  }

  /** The wait before the next run (grows while backing off). */
  get currentDelayMs(): number {
    return this.delayMs;
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    const started = performance.now();
    this.running = this.options.run().then(
      () => this.finished(performance.now() - started, null),
      (err: unknown) => this.finished(performance.now() - started, err instanceof Error ? err : new Error(String(err))),
    );
  }

  private finished(ms: number, error: Error | null): void {
    const outcome: RunOutcome = error ? 'failed' : ms > (this.options.slowMs ?? this.options.intervalMs) ? 'slow' : 'ok';
    this.running = null;
    this.delayMs = outcome === 'ok' ? this.options.intervalMs : Math.min(this.options.maxBackoffMs, this.delayMs * 2);
    this.options.onOutcome?.(outcome, error, ms);
    const rerun = this.pending && outcome === 'ok';
    this.pending = false;
    this.schedule(rerun ? 0 : this.delayMs);
  }
}
