import { TokenLedgerError } from '../errors.js';

/** Too many OTLP requests are being read and decoded already: 429 with Retry-After, retried by exporters. */
export class DecodeBusyError extends TokenLedgerError {
  constructor() {
    super('queue_full', 'the receiver is decoding as many requests as it holds in memory; retry later');
  }
}

/**
 * Bounds how many OTLP requests are read, inflated and decoded at once, so memory is bounded by
 * `maxActive` x (body + inflated body + decoded spans), whatever the number of senders (#13 item
 * 5: a few large requests must not exhaust the 512 MiB the Kubernetes manifest allows). Decoding
 * is synchronous CPU work on the one JavaScript thread, so more than a few at once only adds
 * memory, not throughput (measured: docs/benchmarks.md "decode-memory"). Requests past `maxActive` wait, up to `maxWaiting` of them, before a
 * byte of their body is read; past that they get 429 at once. After decoding a request leaves the
 * gate: its rows are then bounded by the batch writer's own limit.
 */
export class DecodeGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly maxActive: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxActive) {
      if (this.waiting.length >= this.maxWaiting) throw new DecodeBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get inFlight(): number {
    return this.active;
  }
}
