import { divRoundHalfUp, formatScaled } from '@tokenledger/pricing';
import type { StoreClient } from '../clickhouse/store-client.js';
import { scopeText, type BudgetScope } from '../config/budget-scope.js';
import type { StoredCall } from '../store/llm-calls.js';
import type { Alert } from './alert.js';
import type { Alerter } from './alerter.js';
import { periodAt } from './billing-period.js';
import { reachedThresholds, usd } from './budget-alerts.js';
import { budgetStatus, type BudgetStatus } from './budget-status.js';
import { SCOPE_SUBJECT_PREFIX, type ScopedBudget } from './scoped-budget.js';
import { ScopeSpend, type ScopeFigures } from './scope-spend.js';

/** An entry of `GET /api/v1/budgets`: the fields of `/budgets/:client`, the client of the scope (or null), and the scope as configured. */
export type ListedBudget = Omit<BudgetStatus, 'client'> & { client: string | null; scope: BudgetScope; name?: string };

/** The figures of /budgets/:client for a scoped budget: same status rules, projection and unaccounted counts. */
export function scopedBudgetStatus(budget: ScopedBudget, figures: ScopeFigures, now: Date): ListedBudget {
  const period = periodAt(now, budget.periodStartDay);
  const client = budget.scope === 'account' ? null : (budget.scope.client ?? null);
  const status = budgetStatus({ id: '', ...budget }, period, figures.spentNanos, now, figures);
  return { ...status, client, scope: budget.scope, name: budget.name };
}

/** A threshold alert of a scoped budget; once per scope, period and threshold (subject = the scope key). */
function scopedBudgetAlert(budget: ScopedBudget, period: string, threshold: number, spent: bigint): Alert {
  const used = formatScaled(divRoundHalfUp(spent * 10_000n, budget.budgetNanos), 2);
  const verb = threshold >= 100 ? 'has exceeded' : 'has reached';
  const client = budget.scope === 'account' ? '' : (budget.scope.client ?? '');
  return {
    kind: 'budget',
    client,
    client_name: budget.name,
    period,
    threshold,
    subject: `${SCOPE_SUBJECT_PREFIX}${budget.key}`,
    spent_nanos: spent,
    budget_nanos: budget.budgetNanos,
    message: `Budget ${budget.name} (${scopeText(budget.scope)}) ${verb} ${threshold}% of its ${period} budget: ${usd(spent)} of ${usd(budget.budgetNanos)} spent (${used}%)${budget.hardCap && threshold >= 100 ? '; hard cap on, new calls in this scope are refused' : ''}.`,
    details: { used_pct: used, hard_cap: budget.hardCap ? 1 : 0, scope: budget.key },
  };
}

/**
 * Scoped budgets (docs/budgets.md): their spend (ScopeSpend), their status for the budgets
 * endpoint, and their threshold alerts through the same Alerter as client budgets, so each fires
 * once across restarts (alerts_fired) and across receivers (work_claims).
 */
export class ScopedBudgetMonitor {
  private readonly spend: ScopeSpend;

  constructor(
    store: StoreClient,
    readonly budgets: readonly ScopedBudget[],
    private readonly alerter: Alerter,
    private readonly now: () => Date,
  ) {
    this.spend = new ScopeSpend(store, budgets, now);
  }

  /**
   * Reads the figures again from ClickHouse and fires what they cross: at start (after the
   * Alerter loaded what fired before) thresholds crossed while no receiver ran; later, those
   * crossed by spend other receivers stored (work_claims lets one of them send).
   */
  async reload(): Promise<void> {
    await this.spend.reload();
    this.check();
  }

  observe(rows: readonly StoredCall[]): void {
    this.spend.observe(rows);
    this.check();
  }

  async status(budget: ScopedBudget): Promise<ListedBudget> {
    return scopedBudgetStatus(budget, await this.spend.of(budget), this.now());
  }

  private check(): void {
    for (const budget of this.budgets) {
      const figures = this.spend.current(budget);
      if (!figures) continue;
      for (const t of reachedThresholds(figures.spentNanos, budget.budgetNanos, budget.thresholds)) {
        const alert = scopedBudgetAlert(budget, figures.label, t, figures.spentNanos);
        if (!this.alerter.has(alert)) this.alerter.fire(alert);
      }
    }
  }
}
