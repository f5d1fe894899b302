import type { StoreClient } from '../clickhouse/store-client.js';
import { periodAt } from './billing-period.js';
import { budgetStatus, type BudgetStatus } from './budget-status.js';
import type { ClientDirectory } from './client-billing.js';
import { SpendLedger } from './spend-ledger.js';

/** Every configured client's budget now, straight from ClickHouse (the CLI's `budgets`). */
export async function loadBudgets(store: StoreClient, directory: ClientDirectory, now: Date): Promise<BudgetStatus[]> {
  const ledger = new SpendLedger(now, () => now, (id) => directory.get(id).inConfig);
  for (const day of directory.startDays()) {
    await ledger.load(store, day, periodAt(now, day), (id) => directory.get(id).periodStartDay === day);
  }
  return directory.configured().map((c) => {
    const period = periodAt(now, c.periodStartDay);
    return budgetStatus(c, period, ledger.get(c.id, c.periodStartDay, period) ?? 0n, now);
  });
}
