import { GatewayError } from '../errors.js';
import type { VirtualKey } from '../auth/virtual-keys.js';
import type { BudgetSource } from './budget-source.js';
import type { RateWindow } from './rate-window.js';
import type { UnstoredSpend } from './unstored-spend.js';

export interface Admission {
  /** Ledger id (the span id) under which the estimate is reserved. */
  id: string;
  client: string | undefined;
  key: VirtualKey | undefined;
  estimateNanos: bigint;
}

export interface CapGuardDeps {
  budgets: BudgetSource;
  unstored: UnstoredSpend;
  rates: RateWindow;
  now(): number;
  /** The budget could not be read and no earlier answer is known: throws to refuse the call, else it goes through. */
  onBudgetUnavailable(client: string, error: unknown): void;
}

/**
 * Hard caps and rpm, checked before anything is sent upstream. The budget check and the
 * reservation run in one synchronous step after the budget answer is in hand, so calls arriving
 * together each see the others' reservations: a burst cannot run past the cap.
 */
export class CapGuard {
  constructor(private readonly deps: CapGuardDeps) {}

  async admit(call: Admission): Promise<void> {
    const snapshot = call.client === undefined ? undefined : await this.snapshot(call.client);
    const now = this.deps.now();
    if (call.client !== undefined && snapshot !== undefined && snapshot.hardCap && snapshot.budgetNanos !== null) {
      const spent = snapshot.spentNanos + this.deps.unstored.pendingFor(call.client, snapshot.askedAt);
      if (spent >= snapshot.budgetNanos) {
        const end = snapshot.periodEnd?.getTime();
        const retry = end === undefined ? 3600 : Math.max(1, Math.ceil((end - now) / 1000));
        throw new GatewayError('budget_exceeded', `client "${call.client}" has used its budget for this period (hard cap); retry after the period ends`, 429, retry);
      }
    }
    if (call.key?.rpm !== undefined) {
      const taken = this.deps.rates.take(call.key.slot, call.key.rpm, now);
      if (!taken.ok) throw new GatewayError('rate_limit_exceeded', `over the key's limit of ${call.key.rpm} requests per minute`, 429, taken.retryAfterSeconds);
    }
    if (call.client !== undefined) this.deps.unstored.reserve(call.id, call.client, call.estimateNanos, now);
  }

  private async snapshot(client: string) {
    try {
      return await this.deps.budgets.get(client);
    } catch (error) {
      this.deps.onBudgetUnavailable(client, error);
      return undefined;
    }
  }
}
