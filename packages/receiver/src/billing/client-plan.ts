import { formatCents, formatUsd, roundToCents, usdToNanos } from '@tokenledger/pricing';
import type { PlanConfig } from './plan-schema.js';

/** A client's plan with its money exact (nano-USD), defaults filled in (docs/billing.md "Plans"). */
export type ClientPlan =
  | { type: 'cost_plus'; markupPct: number }
  | { type: 'retainer'; feeNanos: bigint; includedNanos: bigint; overageMarkupPct: number }
  | { type: 'per_unit'; unit: string; priceNanos: bigint };

/** Without a plan a client is billed cost plus its markup_pct, as before plans existed. */
export function clientPlan(plan: PlanConfig | undefined, markupPct: number): ClientPlan {
  if (!plan) return { type: 'cost_plus', markupPct };
  switch (plan.type) {
    case 'cost_plus':
      return { type: 'cost_plus', markupPct: plan.markup_pct ?? markupPct };
    case 'retainer':
      return { type: 'retainer', feeNanos: usdToNanos(plan.monthly_fee_usd), includedNanos: usdToNanos(plan.included_usd), overageMarkupPct: plan.overage_markup_pct };
    case 'per_unit':
      return { type: 'per_unit', unit: plan.unit, priceNanos: usdToNanos(plan.price_per_unit_usd) };
  }
}

/** The markup cost-plus billing applies: the clients table's markup_bp (0 under other plans; see plan_type). */
export function costPlusMarkupPct(plan: ClientPlan): number {
  return plan.type === 'cost_plus' ? plan.markupPct : 0;
}

/** The plan's terms as the invoice states them: percentages as configured, money as decimal strings. */
export type PlanTerms =
  | { type: 'cost_plus'; markup_pct: number }
  | { type: 'retainer'; monthly_fee_usd: string; included_usd: string; overage_markup_pct: number }
  | { type: 'per_unit'; unit: string; price_per_unit_usd: string };

export function planTerms(plan: ClientPlan): PlanTerms {
  switch (plan.type) {
    case 'cost_plus':
      return { type: 'cost_plus', markup_pct: plan.markupPct };
    case 'retainer':
      return { type: 'retainer', monthly_fee_usd: formatCents(roundToCents(plan.feeNanos)), included_usd: formatUsd(plan.includedNanos), overage_markup_pct: plan.overageMarkupPct };
    case 'per_unit':
      return { type: 'per_unit', unit: plan.unit, price_per_unit_usd: formatUsd(plan.priceNanos) };
  }
}

/** The markup the invoice's markup_pct states: cost plus, or a retainer's overage markup; 0 per unit. */
export const appliedMarkupPct = (plan: ClientPlan) => (plan.type === 'cost_plus' ? plan.markupPct : plan.type === 'retainer' ? plan.overageMarkupPct : 0);
