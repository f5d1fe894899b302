import { usdToNanos } from '@tokenledger/pricing';
import { ident, joinSql, sql, type SqlFragment } from '../clickhouse/sql.js';
import { SCOPE_KEYS, scopeKey, scopeText, type BudgetScope, type ScopeKey } from '../config/budget-scope.js';
import type { AppConfig } from '../config/config-schema.js';
import type { StoredCall } from '../rows/llm-call-row.js';
import type { WebhookTarget } from './webhook-delivery.js';

/** A budget from the config's top-level `budgets:` list, defaults filled in (docs/budgets.md). */
export interface ScopedBudget {
  /** scopeKey(scope): stable across restarts and receivers, so alerts are keyed by it. */
  key: string;
  scope: BudgetScope;
  /** For messages: the configured name, else the scope as text. */
  name: string;
  budgetNanos: bigint;
  thresholds: number[];
  hardCap: boolean;
  periodStartDay: number;
  webhook: WebhookTarget | null;
}

/** The llm_calls column each scope key compares. */
const COLUMN: Record<ScopeKey, 'client_id' | 'project' | 'feature' | 'app'> = { client: 'client_id', project: 'project', feature: 'feature', app: 'app' };

/** alerts_fired.subject of a scoped budget's threshold alerts: no other alert's subject starts so. */
export const SCOPE_SUBJECT_PREFIX = 'scope:';

export function scopedBudgets(config: AppConfig): ScopedBudget[] {
  const secret = config.file.alerts?.webhook_secret ?? config.webhookSecret ?? null;
  return config.file.budgets.map((b) => ({
    key: scopeKey(b.scope),
    scope: b.scope,
    name: b.name ?? `scope ${scopeText(b.scope)}`,
    // Parsed as client budgets are (client-billing.ts): the config's number, exact to the nano.
    budgetNanos: usdToNanos(b.monthly_budget_usd),
    thresholds: [...new Set(b.alert_thresholds_pct)].sort((x, y) => x - y),
    hardCap: b.hard_cap,
    periodStartDay: b.period_start_day ?? 1,
    webhook: b.webhook_url ? { url: b.webhook_url, format: b.webhook_format ?? 'json', secret: b.webhook_secret ?? secret } : null,
  }));
}

/** `account` holds every call; an object, the calls whose columns equal every value it gives. */
export function inScope(scope: BudgetScope, call: Pick<StoredCall, 'client_id' | 'project' | 'feature' | 'app'>): boolean {
  if (scope === 'account') return true;
  return SCOPE_KEYS.every((k) => scope[k] === undefined || call[COLUMN[k]] === scope[k]);
}

/** The same test as SQL over llm_calls, values quoted by the one helper. */
export function scopeWhere(scope: BudgetScope): SqlFragment {
  if (scope === 'account') return sql`1`;
  return joinSql(SCOPE_KEYS.filter((k) => scope[k] !== undefined).map((k) => sql`${ident(COLUMN[k])} = ${scope[k]!}`), ' AND ');
}
