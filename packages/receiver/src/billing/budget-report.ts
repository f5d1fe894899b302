import type { StoreClient } from '../clickhouse/store-client.js';
import { periodAt } from './billing-period.js';
import { budgetStatus } from './budget-status.js';
import type { ScopedBudget } from './scoped-budget.js';
import { scopedBudgetStatus, type ListedBudget } from './scoped-budget-monitor.js';
import { ScopeSpend } from './scope-spend.js';
import type { ClientDirectory } from './client-billing.js';
import { SpendLedger } from './spend-ledger.js';
import { unaccountedCalls, type UnaccountedCalls } from './unaccounted-calls.js';

/** Every configured budget now (clients', then the scoped ones), straight from ClickHouse (the CLI's `budgets`). */
export async function loadBudgets(store: StoreClient, directory: ClientDirectory, now: Date, scoped: readonly ScopedBudget[] = []): Promise<ListedBudget[]> {
  const ledger = new SpendLedger(now, () => now, (id) => directory.get(id).inConfig);
  for (const day of directory.startDays()) {
    await ledger.load(store, day, periodAt(now, day), (id) => directory.get(id).periodStartDay === day);
  }
  const unaccounted = new Map<string, UnaccountedCalls>();
  for (const day of directory.startDays()) {
    const ids = directory.configured().filter((c) => c.periodStartDay === day).map((c) => c.id);
    for (const [id, counts] of await unaccountedCalls(store, ids, periodAt(now, day))) unaccounted.set(id, counts);
  }
  const clients = directory.configured().map((c) => {
    const period = periodAt(now, c.periodStartDay);
    return { ...budgetStatus(c, period, ledger.get(c.id, c.periodStartDay, period) ?? 0n, now, unaccounted.get(c.id)), scope: { client: c.id } };
  });
  const spend = new ScopeSpend(store, scoped, () => now);
  await spend.reload();
  return [...clients, ...scoped.map((b) => scopedBudgetStatus(b, spend.current(b)!, now))];
}
