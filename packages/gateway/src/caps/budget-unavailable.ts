import { scopeHolds, type CallScope } from '@tokenledger/otel';
import { GatewayError } from '../errors.js';

/** `gateway.budget_unavailable`: who is served while the receiver's budget API does not answer. */
export const BUDGET_UNAVAILABLE_POLICIES = ['refuse_hard_capped', 'refuse_all', 'serve_all'] as const;
export type BudgetUnavailablePolicy = (typeof BUDGET_UNAVAILABLE_POLICIES)[number];

/** What a refused caller is told to wait: a receiver restart or a network blip, not a budget period. */
const BUDGET_UNAVAILABLE_RETRY_SECONDS = 5;

/**
 * Whether a call is refused when its client's budget cannot be read and no earlier answer is known
 * (docs/gateway.md "When the receiver cannot be reached"). Serving it would leave a hard cap
 * unenforced, so by default the clients the config marks `hard_cap` are refused (503, nothing sent
 * upstream) and the others served; `refuse_all` also covers clients whose caps the gateway's
 * config does not show, `serve_all` is fail-open for everybody.
 */
export function refusedWithoutBudget(policy: BudgetUnavailablePolicy, hardCapped: ReadonlySet<string>, client: string): boolean {
  return policy === 'refuse_all' || (policy === 'refuse_hard_capped' && hardCapped.has(client));
}

export function budgetUnavailableError(client: string): GatewayError {
  return new GatewayError(
    'budget_unavailable',
    `the budget of client "${client}" cannot be checked (the TokenLedger receiver does not answer), so its hard cap cannot be enforced; retry shortly`,
    503,
    BUDGET_UNAVAILABLE_RETRY_SECONDS,
  );
}

/**
 * The rule for scoped budgets (docs/budgets.md): a call in a scope the config hard-caps is refused
 * unless the policy is `serve_all`; `refuse_all` refuses attributed calls through their client already.
 */
export function scopedRefusedWithoutBudget(policy: BudgetUnavailablePolicy, hardCappedScopes: readonly ('account' | CallScope)[], call: CallScope): boolean {
  return policy !== 'serve_all' && hardCappedScopes.some((scope) => scopeHolds(scope, call));
}

export function scopedBudgetUnavailableError(): GatewayError {
  return new GatewayError(
    'budget_unavailable',
    'the call falls in a hard-capped budget scope that cannot be checked (the TokenLedger receiver does not answer), so its hard cap cannot be enforced; retry shortly',
    503,
    BUDGET_UNAVAILABLE_RETRY_SECONDS,
  );
}
