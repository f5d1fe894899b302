import { ClientDirectory, loadBudgets, scopedBudgets } from '../../billing/index.js';
import { scopeText } from '../../config/budget-scope.js';
import { createStoreClient } from '../../clickhouse/store-client.js';
import type { Command } from '../command.js';
import { formatTable } from '../format-table.js';

export const budgetsCommand: Command = {
  name: 'budgets',
  summary: "every configured budget (clients' and scoped ones) this period: spent, remaining, status, projection",
  help: `Usage: tokenledger budgets [--json]

Each configured client's budget, then each budget of the config's budgets: list (account,
project, feature, app scopes), for its current period, computed from the stored calls in
ClickHouse (the same figures GET /api/v1/budgets answers). Projected = spent x period length /
time elapsed. --json prints the API's JSON instead of a table.`,
  options: { json: { type: 'boolean' } },
  async run({ values }, ctx) {
    const config = await ctx.loadConfig();
    const store = createStoreClient(config.clickhouse);
    try {
      const budgets = await loadBudgets(store, new ClientDirectory(config), new Date(), scopedBudgets(config));
      if (values.json) {
        ctx.stdout.write(`${JSON.stringify({ budgets }, null, 2)}\n`);
        return 0;
      }
      const rows = budgets.map((b) => [
        b.client ?? '-', b.period, b.budget_usd ?? '-', b.spent_usd, b.remaining_usd ?? '-',
        b.used_pct === null ? '-' : `${b.used_pct.toFixed(2)}%`, b.status, b.hard_cap ? 'yes' : 'no', b.projected_usd, scopeText(b.scope),
      ]);
      ctx.stdout.write(formatTable(['client', 'period', 'budget_usd', 'spent_usd', 'remaining_usd', 'used', 'status', 'hard_cap', 'projected_usd', 'scope'], rows));
      return 0;
    } finally {
      await store.close();
    }
  },
};
