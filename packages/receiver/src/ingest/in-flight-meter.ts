/**
 * Requests in flight on average over the last second (Little's law: their rate times their
 * answer time), from the answer times of those settled in two one-second buckets, the older
 * one weighted by its overlap. A sender waiting on every answer keeps it near 1 however fast
 * or slow the machine; a sporadic one keeps it near 0.
 */
export class InFlightMeter {
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
