import { formatCents, formatUsd, roundToCents } from '@tokenledger/pricing';
import type { ClientPlan } from './client-plan.js';
import { costPlusCharges } from './cost-plus-lines.js';
import { convertNanos, type InvoiceCurrency } from './invoice-currency.js';
import type { UnitUsage } from '../reports/unit-usage.js';
import { perUnitCharges, type UnitFacts } from './per-unit-lines.js';
import { retainerCharges } from './retainer-lines.js';

/**
 * What a plan bills for one period (docs/billing.md "Plans"). `billed` lines sum to the total;
 * the others explain it (the usage a retainer covers, the cost behind per-unit billing).
 */
export type PlanLineKind = 'base_cost' | 'markup' | 'fee' | 'usage_at_cost' | 'included' | 'overage' | 'overage_markup' | 'units' | 'other_unit' | 'no_unit';

/** One plan line in one currency, exact: each part is rounded to cents on its own and the parts summed. */
export interface PlanCharge {
  kind: PlanLineKind;
  billed: boolean;
  description: string;
  note?: string;
  /** Exact nanos in the invoice currency; the cost-plus base has one part per usage line. */
  parts: bigint[];
  /** Per-unit facts, in USD, on the lines that bill or show a unit kind. */
  unit?: UnitFacts;
}

/** What a plan needs of a period, in USD. */
export interface PlanInput {
  period: string;
  /** Exact cost of each billed usage line (priced and metered). */
  lineNanos: readonly bigint[];
  /** The client's calls by unit kind (per-unit plans only). */
  units: readonly UnitUsage[];
}

/** Formats money for a line's text: cents and the currency code. */
export type MoneyText = (nanos: bigint) => string;

export function planCharges(plan: ClientPlan, input: PlanInput, currency: InvoiceCurrency): PlanCharge[] {
  const convert = (nanos: bigint) => convertNanos(nanos, currency);
  const money: MoneyText = (nanos) => `${formatCents(roundToCents(nanos))} ${currency.code}`;
  const lines = input.lineNanos.map(convert);
  switch (plan.type) {
    case 'cost_plus':
      return costPlusCharges(plan, lines);
    case 'retainer':
      return retainerCharges(plan, { period: input.period, lines, convert, money });
    case 'per_unit':
      return perUnitCharges(plan, { units: input.units, code: currency.code, convert, money });
  }
}

export const chargeCents = (c: PlanCharge): bigint => c.parts.reduce((sum, p) => sum + roundToCents(p), 0n);
const exact = (c: PlanCharge): bigint => c.parts.reduce((sum, p) => sum + p, 0n);

/** Sum of the billed lines, each rounded on its own. */
export const billedCents = (charges: readonly PlanCharge[]): bigint => charges.filter((c) => c.billed).reduce((sum, c) => sum + chargeCents(c), 0n);

/** A plan line of the invoice JSON: the USD figures beside the invoice currency's. */
export interface PlanLine extends Partial<UnitFacts> {
  kind: PlanLineKind;
  description: string;
  note?: string;
  /** Counts in total_usd; the other lines explain it. */
  billed: boolean;
  amount_usd: string;
  exact_amount_usd: string;
  /** In the invoice currency, converted exactly then rounded. */
  amount: string;
}

/** `usd` and `local` are the same plan computed in USD and in the invoice currency: same lines, same order. */
export function planLines(usd: readonly PlanCharge[], local: readonly PlanCharge[]): PlanLine[] {
  return usd.map((c, i) => {
    const shown = local[i]!;
    return {
      kind: c.kind,
      description: shown.description,
      ...(shown.note ? { note: shown.note } : {}),
      billed: c.billed,
      amount_usd: formatCents(chargeCents(c)),
      exact_amount_usd: formatUsd(exact(c)),
      amount: formatCents(chargeCents(shown)),
      ...c.unit,
    };
  });
}
