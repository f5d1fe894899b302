import { fetchScopedCaps, type ScopedCap } from '@tokenledger/otel';
import { LruCache, usdToNanos } from '@tokenledger/pricing';
import { z } from 'zod';

/** The parts of `GET /api/v1/budgets/:client` a cap needs; other fields are ignored. */
const budgetAnswer = z.object({
  budget_usd: z.string().nullable(),
  spent_usd: z.string(),
  hard_cap: z.boolean(),
  period_end: z.string().optional(),
});

export interface BudgetSnapshot {
  /** null: no budget, nothing to enforce. */
  budgetNanos: bigint | null;
  spentNanos: bigint;
  hardCap: boolean;
  periodEnd: Date | undefined;
  /** When the request that produced it was sent: calls stored before this are in `spentNanos`. */
  askedAt: number;
}

/** The hard caps on scopes beyond one client (docs/budgets.md), as one answer of `GET /api/v1/budgets`. */
export interface ScopedCapsSnapshot {
  caps: ScopedCap[];
  askedAt: number;
}

export interface BudgetSourceOptions {
  receiverUrl: string;
  apiToken: string | undefined;
  maxAgeMs: number;
  now(): number;
  timeoutMs?: number;
}

/**
 * Budget answers from the receiver, per client, reused for `maxAgeMs` (docs/gateway.md "Caps"):
 * one request in flight per client at a time, however many calls arrive together.
 */
export class BudgetSource {
  /** Client names come from callers' headers in pass-through mode: bounded. */
  private readonly cache = new LruCache<string, BudgetSnapshot>(10_000);
  private readonly pending = new Map<string, Promise<BudgetSnapshot>>();
  private scoped: ScopedCapsSnapshot | undefined;
  private scopedFlight: Promise<ScopedCapsSnapshot> | undefined;

  constructor(private readonly options: BudgetSourceOptions) {}

  /** The scoped caps when an answer young enough is in hand: no request, nothing to wait for. */
  cachedScopedCaps(): ScopedCapsSnapshot | undefined {
    return this.fresh(this.scoped);
  }

  /** The client's answer when one young enough is in hand: no request, nothing to wait for. */
  cached(client: string): BudgetSnapshot | undefined {
    return this.fresh(this.cache.get(client));
  }

  private fresh<T extends { askedAt: number }>(answer: T | undefined): T | undefined {
    return answer !== undefined && this.options.now() - answer.askedAt <= this.options.maxAgeMs ? answer : undefined;
  }

  /** The scoped hard caps: one list for every call, reused for `maxAgeMs`, one request in flight. */
  async scopedCaps(): Promise<ScopedCapsSnapshot> {
    const cached = this.scoped;
    const young = this.fresh(cached);
    if (young !== undefined) return young;
    if (this.scopedFlight === undefined) {
      const askedAt = this.options.now();
      const { receiverUrl: url, apiToken: token, timeoutMs } = this.options;
      this.scopedFlight = fetchScopedCaps({ url, ...(token === undefined ? {} : { token }), ...(timeoutMs === undefined ? {} : { timeoutMs }) })
        .then((caps) => (this.scoped = { caps, askedAt }))
        .finally(() => (this.scopedFlight = undefined));
    }
    try {
      return await this.scopedFlight;
    } catch (error) {
      // As for clients: the last answer is better than none while the receiver is down.
      if (cached !== undefined) return cached;
      throw error;
    }
  }

  async get(client: string): Promise<BudgetSnapshot> {
    const cached = this.cache.get(client);
    const young = this.fresh(cached);
    if (young !== undefined) return young;
    let flight = this.pending.get(client);
    if (flight === undefined) {
      flight = this.fetch(client).finally(() => this.pending.delete(client));
      this.pending.set(client, flight);
    }
    try {
      const fresh = await flight;
      this.cache.set(client, fresh);
      return fresh;
    } catch (error) {
      // The receiver is down or slow: the last answer is better than none (stale, and said so in /metrics).
      if (cached !== undefined) return cached;
      throw error;
    }
  }

  private async fetch(client: string): Promise<BudgetSnapshot> {
    const askedAt = this.options.now();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiToken !== undefined) headers.authorization = `Bearer ${this.options.apiToken}`;
    const url = `${this.options.receiverUrl}/api/v1/budgets/${encodeURIComponent(client)}`;
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 2000) });
    if (response.status === 404) {
      await response.body?.cancel();
      return { budgetNanos: null, spentNanos: 0n, hardCap: false, periodEnd: undefined, askedAt };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`budgets endpoint answered HTTP ${response.status}`);
    }
    const body = budgetAnswer.parse(await response.json());
    return {
      budgetNanos: body.budget_usd === null ? null : usdToNanos(body.budget_usd),
      spentNanos: usdToNanos(body.spent_usd),
      hardCap: body.hard_cap,
      periodEnd: body.period_end === undefined ? undefined : new Date(body.period_end),
      askedAt,
    };
  }
}
