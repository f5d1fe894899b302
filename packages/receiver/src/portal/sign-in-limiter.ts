/** Failed sign-ins allowed per address in one window; successes are not counted (design.md "Portal"). */
export const FAILURES_ALLOWED = 10;
export const WINDOW_MS = 60_000;
const MAX_ADDRESSES = 10_000;

/**
 * Failed sign-ins per address over a sliding minute. Memory is bounded: past MAX_ADDRESSES the
 * address tracked longest is forgotten first.
 */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => Date) {}

  /** Milliseconds until this address may try again; 0 when it may try now. */
  waitMs(address: string): number {
    const recent = this.recent(address);
    if (recent.length < FAILURES_ALLOWED) return 0;
    return recent[recent.length - FAILURES_ALLOWED]! + WINDOW_MS - this.now().getTime();
  }

  fail(address: string): void {
    const recent = this.recent(address);
    this.failures.delete(address);
    if (this.failures.size >= MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(address, [...recent, this.now().getTime()].slice(-FAILURES_ALLOWED));
  }

  private recent(address: string): number[] {
    const since = this.now().getTime() - WINDOW_MS;
    const kept = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(address);
    return kept;
  }
}
