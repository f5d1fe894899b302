import { getBudgetsJson, type BudgetEndpoint } from './fetch-budget.js';
import { usdToNanos } from './usd.js';

/** The scope keys a budget may name (the receiver's config `budgets:`, docs/budgets.md). */
const SCOPE_KEYS = ['client', 'project', 'feature', 'app'] as const;
export type CallScope = Partial<Record<(typeof SCOPE_KEYS)[number], string>>;

/**
 * A hard-capped budget from `GET /api/v1/budgets`. `remainingNanos` is null when the receiver
 * redacted the figures (a client's token sees only the status of budgets shared with other
 * clients): such a cap refuses once its status is `exceeded`, and reserves nothing.
 */
export interface ScopedCap {
  /** The scope's canonical JSON: reservations are kept under it. */
  key: string;
  /** `account`, or `client=acme, project=chatbot`. */
  scopeText: string;
  scope: 'account' | CallScope;
  period: string;
  /** When the period ends (exclusive), when the answer said. */
  periodEnd: Date | undefined;
  status: 'ok' | 'warning' | 'exceeded';
  budgetUsd: string | null;
  spentUsd: string | null;
  remainingNanos: bigint | null;
}

function scopeOf(value: unknown): ScopedCap['scope'] | undefined {
  if (value === 'account') return 'account';
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 || entries.some(([k, v]) => !(SCOPE_KEYS as readonly string[]).includes(k) || typeof v !== 'string')) return undefined;
  return Object.fromEntries(entries) as CallScope;
}

function capOf(entry: Record<string, unknown>): ScopedCap | undefined {
  const scope = scopeOf(entry.scope);
  const status = entry.status;
  if (entry.hard_cap !== true || scope === undefined || (status !== 'ok' && status !== 'warning' && status !== 'exceeded')) return undefined;
  const money = (key: string) => (typeof entry[key] === 'string' ? (entry[key] as string) : null);
  const remaining = money('remaining_usd');
  return {
    key: JSON.stringify(scope),
    scopeText: scope === 'account' ? 'account' : SCOPE_KEYS.filter((k) => scope[k] !== undefined).map((k) => `${k}=${scope[k]}`).join(', '),
    scope,
    period: String(entry.period ?? ''),
    periodEnd: typeof entry.period_end === 'string' ? new Date(entry.period_end) : undefined,
    status,
    budgetUsd: money('budget_usd'),
    spentUsd: money('spent_usd'),
    remainingNanos: remaining === null ? null : usdToNanos(remaining),
  };
}

/**
 * The hard caps of `GET /api/v1/budgets` (entries without a hard cap or a budget never refuse).
 * A receiver without the list answers 404: no caps beyond the client's own.
 */
export async function fetchScopedCaps(endpoint: BudgetEndpoint): Promise<ScopedCap[]> {
  const caps = await getBudgetsJson(endpoint, 'budgets', (body) => {
    const list = (body as { budgets?: unknown } | null)?.budgets;
    if (!Array.isArray(list)) throw new TypeError('budgets is not a list');
    return list.flatMap((e: unknown) => (typeof e === 'object' && e !== null ? (capOf(e as Record<string, unknown>) ?? []) : []));
  });
  return caps ?? [];
}

/** Whether a scope holds the call: `account` always, an object when every key it names equals the call's. */
export function scopeHolds(scope: 'account' | CallScope, call: CallScope): boolean {
  return scope === 'account' || SCOPE_KEYS.every((k) => scope[k] === undefined || scope[k] === call[k]);
}

/** The caps whose scope holds the call. */
export function capsFor(caps: readonly ScopedCap[], call: CallScope): ScopedCap[] {
  return caps.filter((c) => scopeHolds(c.scope, call));
}

/**
 * Whether a cap leaves no room for a call that would add `estimate` beside `held` already reserved.
 * The one rule for every hard cap: the client's own budget (budget-guard.ts) is checked by it too.
 */
export function capRefuses(cap: Pick<ScopedCap, 'status' | 'remainingNanos'>, held: bigint, estimate: bigint): boolean {
  if (cap.status === 'exceeded') return true;
  if (cap.remainingNanos === null) return false;
  // The first call in flight may use the last of the budget; later ones must fit beside it.
  return cap.remainingNanos <= 0n || (held > 0n && held + estimate > cap.remainingNanos);
}
