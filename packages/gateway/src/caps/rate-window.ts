const MINUTE_MS = 60_000;

/**
 * Requests per minute per virtual key, over a sliding window of the last 60 s: a refused call is
 * not counted, so a client that backs off gets through as soon as the oldest call ages out.
 * With `replicas` gateways behind one balancer, each allows `floor(rpm / replicas)`: together
 * they never let a key past its rpm, with nothing shared between them (docs/gateway.md "Caps").
 */
export class RateWindow {
  private readonly calls = new Map<number, number[]>();

  constructor(private readonly replicas = 1) {}

  /** What this gateway allows of a key's `rpm`. */
  share(rpm: number): number {
    return Math.floor(rpm / this.replicas);
  }

  /** Counts a call for `slot` at `now`, or returns the seconds until one is allowed. */
  take(slot: number, rpm: number, now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const times = (this.calls.get(slot) ?? []).filter((t) => t > now - MINUTE_MS);
    if (times.length >= this.share(rpm)) {
      this.calls.set(slot, times);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + MINUTE_MS - now) / 1000)) };
    }
    times.push(now);
    this.calls.set(slot, times);
    return { ok: true };
  }
}
