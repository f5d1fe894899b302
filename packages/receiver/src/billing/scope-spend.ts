import type { StoreClient } from '../clickhouse/store-client.js';
import { ident, joinSql, sql } from '../clickhouse/sql.js';
import { billedCallsWhere, type StoredCall } from '../store/llm-calls.js';
import { periodAt, rowInstant } from './billing-period.js';
import { inScope, scopeWhere, type ScopedBudget } from './scoped-budget.js';
import type { UnaccountedCalls } from './unaccounted-calls.js';

/** One scoped budget's figures for one period (its label). */
export interface ScopeFigures extends UnaccountedCalls {
  label: string;
  spentNanos: bigint;
}

/**
 * The spend of every scoped budget in its current period, in memory like the clients' ledger
 * (spend-ledger.ts): the budgets endpoint sits on the hard-cap path. Loaded from llm_calls FINAL
 * (repeats excluded) in one scan per period start day, then kept up by the calls this receiver
 * stores; the plugin's refresh reloads it, so other receivers' spend arrives within seconds.
 * Memory is one entry per configured budget, whatever the spans say.
 */
export class ScopeSpend {
  private readonly figures = new Map<string, ScopeFigures>();
  private readonly loading = new Map<number, Promise<void>>();

  constructor(
    private readonly store: StoreClient,
    private readonly budgets: readonly ScopedBudget[],
    private readonly now: () => Date,
  ) {}

  async reload(): Promise<void> {
    for (const day of new Set(this.budgets.map((b) => b.periodStartDay))) await this.loadDay(day);
  }

  /** The figures of the budget's current period, when held. */
  current(budget: ScopedBudget): ScopeFigures | undefined {
    const held = this.figures.get(budget.key);
    return held?.label === periodAt(this.now(), budget.periodStartDay).label ? held : undefined;
  }

  /** As `current`, loading the period first when it began since the last load (one load at a time per start day). */
  async of(budget: ScopedBudget): Promise<ScopeFigures> {
    // Each load holds the period current when it ran; a period that turned during it is loaded again.
    for (let held = this.current(budget); ; held = this.current(budget)) {
      if (held) return held;
      await this.loadOnce(budget.periodStartDay);
    }
  }

  private loadOnce(day: number): Promise<void> {
    let load = this.loading.get(day);
    if (load === undefined) {
      load = this.loadDay(day).finally(() => this.loading.delete(day));
      this.loading.set(day, load);
    }
    return load;
  }

  observe(rows: readonly StoredCall[]): void {
    // Periods start at UTC midnight, so a row's UTC day and the start day decide its period: one
    // periodAt per (day, start day) of the batch, not one date parse per row and budget.
    const labels = new Map<string, string>();
    const labelOf = (timestamp: string, startDay: number): string => {
      const key = `${timestamp.slice(0, 10)}|${startDay}`;
      let label = labels.get(key);
      if (label === undefined) labels.set(key, (label = periodAt(rowInstant(timestamp), startDay).label));
      return label;
    };
    for (const budget of this.budgets) {
      const held = this.current(budget);
      if (!held) continue;
      for (const row of rows) {
        if (!inScope(budget.scope, row) || labelOf(row.timestamp, budget.periodStartDay) !== held.label) continue;
        held.spentNanos += BigInt(row.cost_nanos);
        if (row.metered === 0) held.unmetered += 1;
        else if (row.priced === 0) held.unpriced += 1;
      }
    }
  }

  /** Spend, unpriced and unmetered calls of each budget starting on `day`, as /api/v1/usage counts them. */
  private async loadDay(day: number): Promise<void> {
    const budgets = this.budgets.filter((b) => b.periodStartDay === day);
    const period = periodAt(this.now(), day);
    const columns = budgets.map((b, i) => {
      const where = scopeWhere(b.scope);
      return sql`toString(sumIf(cost_nanos, ${where})) AS ${ident(`s${i}`)},
  countIf(metered = 1 AND priced = 0 AND ${where}) AS ${ident(`p${i}`)},
  countIf(metered = 0 AND ${where}) AS ${ident(`m${i}`)}`;
    });
    const [row] = await this.store.queryRows<Record<string, string | number>>(
      sql`SELECT ${joinSql(columns, ',\n  ')} FROM ${ident(this.store.database)}.llm_calls FINAL
WHERE ${billedCallsWhere({ from: period.start, to: period.end })}`.text,
    );
    budgets.forEach((b, i) => {
      this.figures.set(b.key, { label: period.label, spentNanos: BigInt(row?.[`s${i}`] ?? 0), unpriced: Number(row?.[`p${i}`] ?? 0), unmetered: Number(row?.[`m${i}`] ?? 0) });
    });
  }
}
