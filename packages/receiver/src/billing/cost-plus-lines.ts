import { markupNanos } from '@tokenledger/pricing';
import type { ClientPlan } from './client-plan.js';
import type { PlanCharge } from './plan-lines.js';

/**
 * design.md "Money": the base is the usage lines, each rounded on its own; the markup is on the
 * exact base, rounded once. The texts are those invoices carried before plans existed.
 */
export function costPlusCharges(plan: Extract<ClientPlan, { type: 'cost_plus' }>, lines: readonly bigint[]): PlanCharge[] {
  const base = lines.reduce((sum, n) => sum + n, 0n);
  return [
    { kind: 'base_cost', billed: true, description: 'Base cost', parts: [...lines] },
    { kind: 'markup', billed: true, description: `Markup ${plan.markupPct}%`, parts: [markupNanos(base, plan.markupPct)] },
  ];
}
