import { divRoundHalfUp, formatUsd } from '@tokenledger/pricing';
import type { BillingPeriod } from './billing-period.js';
import type { ClientBilling } from './client-billing.js';
import { NO_UNACCOUNTED, type UnaccountedCalls } from './unaccounted-calls.js';

/** `GET /api/v1/budgets/:client` (design.md "HTTP surface"); money as full-precision USD strings. */
export interface BudgetStatus {
  client: string;
  period: string;
  period_start: string;
  period_end: string;
  budget_usd: string | null;
  spent_usd: string;
  remaining_usd: string | null;
  /** Percent of the budget spent, two decimals; null without a budget. */
  used_pct: number | null;
  status: 'ok' | 'warning' | 'exceeded';
  hard_cap: boolean;
  projected_usd: string;
  /** Calls of the period with no price for their model, and calls that carried no token usage: not in spent_usd. */
  unpriced_calls: number;
  unmetered_calls: number;
}

/**
 * Month-end projection at the current run rate:
 *   projected = spent x (period length) / (time elapsed in the period),
 * in whole milliseconds, rounded half-up to the nano. At the very start of a period (nothing
 * elapsed) the projection is the spend itself.
 */
export function projectedNanos(spent: bigint, period: BillingPeriod, now: Date): bigint {
  const elapsed = BigInt(Math.min(now.getTime(), period.end.getTime()) - period.start.getTime());
  if (elapsed <= 0n) return spent;
  return divRoundHalfUp(spent * BigInt(period.end.getTime() - period.start.getTime()), elapsed);
}

/** warning from the first alert threshold on, exceeded at 100% of the budget or more. */
export function budgetState(spent: bigint, budget: bigint | null, thresholds: readonly number[]): BudgetStatus['status'] {
  if (budget === null) return 'ok';
  if (spent >= budget) return 'exceeded';
  const first = thresholds.length ? Math.min(...thresholds) : null;
  return first !== null && spent * 100n >= budget * BigInt(first) ? 'warning' : 'ok';
}

/**
 * A hard-capped client whose period has unpriced or unmetered calls is at least `warning`: its
 * spend is under-counted, so the cap may already be passed while `spent` still looks low.
 */
export function budgetStatus(client: Pick<ClientBilling, 'id' | 'budgetNanos' | 'thresholds' | 'hardCap'>, period: BillingPeriod, spent: bigint, now: Date, unaccounted: UnaccountedCalls = NO_UNACCOUNTED): BudgetStatus {
  const budget = client.budgetNanos;
  const state = budgetState(spent, budget, client.thresholds);
  const undercounted = client.hardCap && budget !== null && unaccounted.unpriced + unaccounted.unmetered > 0;
  return {
    client: client.id,
    period: period.label,
    period_start: period.start.toISOString(),
    period_end: period.end.toISOString(),
    budget_usd: budget === null ? null : formatUsd(budget),
    spent_usd: formatUsd(spent),
    remaining_usd: budget === null ? null : formatUsd(budget - spent),
    used_pct: budget === null || budget === 0n ? null : Number(divRoundHalfUp(spent * 10_000n, budget)) / 100,
    status: state === 'ok' && undercounted ? 'warning' : state,
    hard_cap: client.hardCap,
    projected_usd: formatUsd(projectedNanos(spent, period, now)),
    unpriced_calls: unaccounted.unpriced,
    unmetered_calls: unaccounted.unmetered,
  };
}
