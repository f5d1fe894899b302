import type { CallScope } from '@tokenledger/otel';
import { GatewayError } from '../errors.js';
import type { VirtualKey } from '../auth/virtual-keys.js';
import type { BudgetSnapshot, BudgetSource, ScopedCapsSnapshot } from './budget-source.js';
import { clientSlot, GATEWAY_APP, scopedRefusal, scopeSlots, secondsUntil } from './scoped-caps.js';
import type { RateWindow } from './rate-window.js';
import type { UnstoredSpend } from './unstored-spend.js';

export interface Admission {
  /** Ledger id (the span id) under which the estimate is reserved. */
  id: string;
  client: string | undefined;
  /** The call's project and feature, for budgets scoped to them (docs/budgets.md). */
  project?: string | undefined;
  feature?: string | undefined;
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
  /**
   * The same for the list of scoped caps, with the scope the call falls in; `counted` when the
   * client's own budget failed too and was reported already.
   */
  onScopedBudgetsUnavailable(call: CallScope, error: unknown, counted: boolean): void;
}

/** How the client's own budget read ended: never a rejection, so it can wait unobserved beside the scoped read. */
type ClientRead = 'answered' | 'served' | 'refused';
const clientRead = (call: Admission, asked: Promise<unknown>): Promise<ClientRead> =>
  asked.then(
    (s) => (call.client !== undefined && s === undefined ? 'served' : 'answered'),
    () => 'refused',
  );

/**
 * Hard caps and rpm, checked before anything is sent upstream. The budget check and the
 * reservation run in one synchronous step after the budget answer is in hand, so calls arriving
 * together each see the others' reservations: a burst cannot run past the cap.
 */
export class CapGuard {
  constructor(private readonly deps: CapGuardDeps) {}

  async admit(call: Admission): Promise<void> {
    // The usual case on the hot path: both answers are cached, so the call is decided at once,
    // without the reads' promises (nothing to ask, nothing that can fail).
    const scopedInHand = this.deps.budgets.cachedScopedCaps();
    const clientInHand = call.client === undefined ? undefined : this.deps.budgets.cached(call.client);
    if (scopedInHand !== undefined && (call.client === undefined || clientInHand !== undefined)) return this.decide(call, clientInHand, scopedInHand);
    const asked = call.client === undefined ? Promise.resolve(undefined) : this.snapshot(call.client);
    const [snapshot, scoped] = await Promise.all([asked, this.scopedCaps(call, clientRead(call, asked))]);
    this.decide(call, snapshot, scoped);
  }

  /** The check and the reservation, in one synchronous step once the answers are in hand. */
  private decide(call: Admission, snapshot: BudgetSnapshot | undefined, scoped: ScopedCapsSnapshot | undefined): void {
    const now = this.deps.now();
    if (call.client !== undefined && snapshot !== undefined && snapshot.hardCap && snapshot.budgetNanos !== null) {
      const spent = snapshot.spentNanos + this.deps.unstored.pendingFor(clientSlot(call.client), snapshot.askedAt);
      if (spent >= snapshot.budgetNanos) {
        throw new GatewayError('budget_exceeded', `client "${call.client}" has used its budget for this period (hard cap); retry after the period ends`, 429, secondsUntil(snapshot.periodEnd, now));
      }
    }
    // Scoped budgets (scoped-caps.ts) in the same synchronous step as the client's own.
    const caps = scoped === undefined ? [] : scopedRefusal(call, scoped, this.deps.unstored, now);
    if (call.key?.rpm !== undefined) {
      const taken = this.deps.rates.take(call.key.slot, call.key.rpm, now);
      if (!taken.ok) throw new GatewayError('rate_limit_exceeded', `over the key's limit of ${call.key.rpm} requests per minute`, 429, taken.retryAfterSeconds);
    }
    const slots = [...(call.client === undefined ? [] : [clientSlot(call.client)]), ...scopeSlots(caps)];
    if (slots.length) this.deps.unstored.reserve(call.id, slots, call.estimateNanos, now);
  }

  /** The scoped caps, or none when unreadable: reported once per call, with the client's own answer's failure if both failed. */
  private async scopedCaps(call: Admission, client: Promise<ClientRead>) {
    try {
      return await this.deps.budgets.scopedCaps();
    } catch (error) {
      const read = await client;
      // A call its client's failure refused already is not counted twice.
      if (read !== 'refused') this.deps.onScopedBudgetsUnavailable({ client: call.client, project: call.project, feature: call.feature, app: GATEWAY_APP }, error, read === 'served');
      return undefined;
    }
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
