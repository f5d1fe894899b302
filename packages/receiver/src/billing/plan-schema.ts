import { z } from 'zod';
import { atMostDecimals, MAX_BUDGET_USD } from '../config/config-rules.js';

/**
 * `clients[].plan` in tokenledger.yaml (design.md "Billing plans, units and budgets beyond
 * clients"; docs/billing.md "Plans"). Amounts are YAML numbers read from their shortest text
 * (as monthly_budget_usd is), so 0.40 is exactly 400,000,000 nano-USD.
 */
const pct = z.number().min(0).max(1000).refine(...atMostDecimals(6));
const usd = (places: number) => z.number().min(0).max(MAX_BUDGET_USD).refine(...atMostDecimals(places));
const positiveUsd = (places: number) => usd(places).refine((n) => n > 0, 'must be more than 0');

const costPlusPlan = z
  .object({
    type: z.literal('cost_plus'),
    /** Defaults to the client's markup_pct. */
    markup_pct: pct.optional(),
  })
  .strict();

const retainerPlan = z
  .object({
    type: z.literal('retainer'),
    /** Billed every period, as written: whole cents. */
    monthly_fee_usd: positiveUsd(2),
    /** AI cost (at cost) the fee covers each period; compared with the exact cost, so to the nano. */
    included_usd: usd(9),
    /** Cost beyond included_usd is billed at cost plus this markup. */
    overage_markup_pct: pct.default(0),
  })
  .strict();

const perUnitPlan = z
  .object({
    type: z.literal('per_unit'),
    /** The tokenledger.unit.kind billed, as spans carry it (article, conversation, ...). */
    unit: z.string().min(1).max(128).regex(/^[^\p{Cc}]+$/u, 'no control characters'),
    price_per_unit_usd: positiveUsd(9),
  })
  .strict();

export const planSchema = z.discriminatedUnion('type', [costPlusPlan, retainerPlan, perUnitPlan]);

export type PlanConfig = z.infer<typeof planSchema>;

/** A cost_plus plan's markup_pct replaces the client's; two different figures are a mistake, not a choice. */
export function planRules(client: { markup_pct: number; plan?: PlanConfig | undefined }, path: Array<string | number>, ctx: z.RefinementCtx): void {
  const plan = client.plan;
  if (plan?.type === 'cost_plus' && plan.markup_pct !== undefined && client.markup_pct !== 0 && plan.markup_pct !== client.markup_pct) {
    ctx.addIssue({ code: 'custom', path: [...path, 'plan', 'markup_pct'], message: `differs from markup_pct (${client.markup_pct}): set the markup in one place` });
  }
}
