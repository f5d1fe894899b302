import type { BudgetScope } from '../config/budget-scope.js';
import type { ScopedBudget } from './scoped-budget.js';
import type { ListedBudget, ScopedBudgetMonitor } from './scoped-budget-monitor.js';

/**
 * What a client-scoped token sees of a hard-capped budget that covers its calls but also other
 * clients' (account, a feature, an app, a project across clients): enough for its SDK guard or
 * gateway to refuse, and no figures, which would be other clients' spend.
 */
export interface RedactedBudget {
  client: null;
  scope: BudgetScope;
  period: string;
  period_start: string;
  period_end: string;
  hard_cap: true;
  status: 'ok' | 'exceeded';
  redacted: true;
}

type Visibility = 'full' | 'redacted' | 'hidden';

/**
 * An operator token sees everything. A client's token sees in full the budgets whose scope names
 * its client, redacted the hard-capped ones that name no client, and nothing of the rest (other
 * clients' scopes; uncapped shared budgets, which never refuse its calls).
 */
function visibility(budget: ScopedBudget, tokenClient: string | null): Visibility {
  if (tokenClient === null) return 'full';
  const client = budget.scope === 'account' ? undefined : budget.scope.client;
  if (client !== undefined) return client === tokenClient ? 'full' : 'hidden';
  return budget.hardCap ? 'redacted' : 'hidden';
}

export function redact(entry: ListedBudget): RedactedBudget {
  const { scope, period, period_start, period_end } = entry;
  return { client: null, scope, period, period_start, period_end, hard_cap: true, status: entry.status === 'exceeded' ? 'exceeded' : 'ok', redacted: true };
}

/** The scoped budgets of `GET /api/v1/budgets`, in config order, as `tokenClient` may see them. */
export async function listScopedBudgets(monitor: ScopedBudgetMonitor, tokenClient: string | null): Promise<(ListedBudget | RedactedBudget)[]> {
  const shown = monitor.budgets.map((b) => ({ b, seen: visibility(b, tokenClient) })).filter((x) => x.seen !== 'hidden');
  return Promise.all(
    shown.map(async ({ b, seen }) => {
      const entry = await monitor.status(b);
      return seen === 'full' ? entry : redact(entry);
    }),
  );
}
