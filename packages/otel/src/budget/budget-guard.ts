import { diag } from '@opentelemetry/api';
import { BudgetExceededError } from '../errors.js';
import type { BudgetStatus } from './budget-status.js';
import { fetchBudget, type BudgetEndpoint } from './fetch-budget.js';
import { capRefuses, capsFor, fetchScopedCaps, type ScopedCap } from './scoped-caps.js';
import { nanosToUsd, usdToNanos } from './usd.js';

/** What the guard knows about the call it is asked to let through. */
export interface BudgetCall {
  provider: string;
  operation: string;
  model: string | undefined;
  /** The call's attribution beyond the client, for budgets on projects and features (docs/budgets.md). */
  project?: string | undefined;
  feature?: string | undefined;
}

export interface BudgetGuardOptions extends BudgetEndpoint {
  /** How long one answer is trusted (default 5000 ms). */
  cacheMs?: number;
  /** When the endpoint cannot answer: let calls through (default) or refuse them. */
  failOpen?: boolean;
  /** Cost reserved per call in flight, as decimal USD (default "0.01"), or computed per call. */
  estimateUsd?: string | ((call: BudgetCall) => string);
  /** The app's `service.name`, for budgets scoped to an app (set it as in register()). */
  serviceName?: string;
  /**
   * Also enforce the hard caps of `GET /api/v1/budgets` on scopes beyond one client (account,
   * project, feature, app) that hold the call, unattributed calls included (default true).
   */
  scopedBudgets?: boolean;
}

export interface BudgetGuard {
  /** The client's budget (cached); throws BudgetExceededError when a hard cap is spent. */
  check(client: string): Promise<BudgetStatus | undefined>;
  /** Checks and reserves the call's estimated cost; call the returned function when it ends. */
  acquire(client: string | undefined, call?: BudgetCall): Promise<() => void>;
  /** What calls in flight have reserved for the client, as decimal USD. */
  reservedUsd(client: string): string;
  /** Forget cached answers (one client, or all). */
  invalidate(client?: string): void;
}

const DEFAULT_ESTIMATE_USD = '0.01';
const noop = () => {};

interface CacheEntry {
  at: number;
  answer: Promise<BudgetStatus | undefined>;
}

export function createBudgetGuard(options: BudgetGuardOptions): BudgetGuard {
  const cacheMs = options.cacheMs ?? 5000;
  const failOpen = options.failOpen ?? true;
  const cache = new Map<string, CacheEntry>();
  const reserved = new Map<string, bigint>();
  let scopedEntry: { at: number; answer: Promise<ScopedCap[]> } | undefined;

  /** The scoped hard caps (one list for every call, cached like the client answers). */
  const lookupScoped = async (): Promise<ScopedCap[]> => {
    if (options.scopedBudgets === false) return [];
    const now = Date.now();
    if (scopedEntry === undefined || now - scopedEntry.at >= cacheMs) scopedEntry = { at: now, answer: fetchScopedCaps(options) };
    try {
      return await scopedEntry.answer;
    } catch (error) {
      if (!failOpen) throw error;
      diag.warn('tokenledger: scoped budget check failed; letting the call through (failOpen)', error);
      return [];
    }
  };
  /** Reservations of a scope live beside the clients', under a key no client id can take. */
  const scopeSlot = (cap: ScopedCap) => `\0scope:${cap.key}`;

  // Concurrent callers share one request: a burst near the cap asks once, not N times.
  const lookup = async (client: string): Promise<BudgetStatus | undefined> => {
    const now = Date.now();
    let entry = cache.get(client);
    if (entry === undefined || now - entry.at >= cacheMs) {
      entry = { at: now, answer: fetchBudget(options, client) };
      cache.set(client, entry);
    }
    try {
      return await entry.answer;
    } catch (error) {
      if (!failOpen) throw error;
      diag.warn(`tokenledger: budget check for "${client}" failed; letting the call through (failOpen)`, error);
      return undefined;
    }
  };

  const refuse = (client: string, status: BudgetStatus): never => {
    throw new BudgetExceededError({
      clientId: client,
      period: status.period,
      budgetUsd: status.budget_usd,
      spentUsd: status.spent_usd,
      remainingUsd: status.remaining_usd,
      reservedUsd: nanosToUsd(reserved.get(client) ?? 0n),
      status: status.status,
    });
  };

  const refuseScope = (client: string, cap: ScopedCap): never => {
    throw new BudgetExceededError({
      clientId: client,
      period: cap.period,
      budgetUsd: cap.budgetUsd ?? '',
      spentUsd: cap.spentUsd ?? '',
      remainingUsd: cap.remainingNanos === null ? '' : nanosToUsd(cap.remainingNanos),
      reservedUsd: nanosToUsd(reserved.get(scopeSlot(cap)) ?? 0n),
      status: cap.status,
      scope: cap.scopeText,
    });
  };

  const hold = (slots: readonly string[], estimate: bigint) => {
    for (const slot of slots) reserved.set(slot, (reserved.get(slot) ?? 0n) + estimate);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const slot of slots) {
        const left = (reserved.get(slot) ?? 0n) - estimate;
        if (left > 0n) reserved.set(slot, left);
        else reserved.delete(slot);
      }
    };
  };

  // A fixed estimate is parsed on the first capped call (a bad one still throws there), not on every call.
  let fixedEstimate: bigint | undefined;
  const estimateNanos = (call: BudgetCall | undefined): bigint => {
    const estimate = options.estimateUsd ?? DEFAULT_ESTIMATE_USD;
    if (typeof estimate === 'string') return (fixedEstimate ??= usdToNanos(estimate));
    return usdToNanos(estimate(call ?? { provider: '', operation: '', model: undefined }));
  };

  return {
    async check(client) {
      const status = await lookup(client);
      if (status?.hard_cap === true && (status.status === 'exceeded' || usdToNanos(status.remaining_usd) <= 0n)) {
        refuse(client, status);
      }
      return status;
    },

    async acquire(client, call) {
      const named = client === undefined || client === '' ? undefined : client;
      // Both settle before either error is thrown: no request outlives the call that made it.
      const [asked, listed] = await Promise.allSettled([named === undefined ? undefined : lookup(named), lookupScoped()]);
      if (asked.status === 'rejected') throw asked.reason;
      if (listed.status === 'rejected') throw listed.reason;
      const [status, scoped] = [asked.value, listed.value];
      const caps = capsFor(scoped, { client: named, project: call?.project, feature: call?.feature, app: options.serviceName });
      const capped = status !== undefined && status.hard_cap && named !== undefined;
      if (!capped && caps.length === 0) return noop;
      // From here on synchronous: the check and the reservation cannot interleave with another call.
      const estimate = estimateNanos(call);
      if (capped) {
        const own = { status: status.status, remainingNanos: usdToNanos(status.remaining_usd) };
        if (capRefuses(own, reserved.get(named) ?? 0n, estimate)) refuse(named, status);
      }
      for (const cap of caps) if (capRefuses(cap, reserved.get(scopeSlot(cap)) ?? 0n, estimate)) refuseScope(named ?? '', cap);
      const slots = [...(capped ? [named] : []), ...caps.filter((c) => c.remainingNanos !== null).map(scopeSlot)];
      return hold(slots, estimate);
    },

    reservedUsd: (client) => nanosToUsd(reserved.get(client) ?? 0n),

    invalidate(client) {
      if (client === undefined) cache.clear();
      else cache.delete(client);
    },
  };
}

const guards = new WeakMap<BudgetGuardOptions, BudgetGuard>();

/** One-off check (cached per options object); throws BudgetExceededError when a hard cap is spent. */
export function checkBudget(client: string, guard: BudgetGuard | BudgetGuardOptions): Promise<BudgetStatus | undefined> {
  return toGuard(guard).check(client);
}

export function toGuard(guard: BudgetGuard | BudgetGuardOptions): BudgetGuard {
  if ('acquire' in guard) return guard;
  let made = guards.get(guard);
  if (made === undefined) {
    made = createBudgetGuard(guard);
    guards.set(guard, made);
  }
  return made;
}
