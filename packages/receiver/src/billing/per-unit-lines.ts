import { formatCents, formatTrimmed, formatUsd, roundToCents } from '@tokenledger/pricing';
import type { UnitUsage } from '../reports/unit-usage.js';
// The usage report's cost per unit (half-up to the nano), so an invoice and a report agree.
import { costPerUnitUsd } from '../reports/usage-report.js';
import type { ClientPlan } from './client-plan.js';
import type { MoneyText, PlanCharge } from './plan-lines.js';

/** What a per-unit line shows besides its amount, in USD (9 decimals per unit, cents for totals). */
export interface UnitFacts {
  unit_kind: string;
  units: number;
  calls: number;
  cost_usd: string;
  exact_cost_usd: string;
  unit_price_usd?: string;
  /** The billed amount less the AI cost, both as rounded on the invoice. */
  margin_usd?: string;
  /** Exact, half-up to the nano; null without units. */
  cost_per_unit_usd?: string | null;
  margin_per_unit_usd?: string | null;
}

interface PerUnitInput {
  units: readonly UnitUsage[];
  /** The invoice currency's code, for the texts. */
  code: string;
  convert(usdNanos: bigint): bigint;
  money: MoneyText;
}

/** A unit price as people write it: at least the cents, more digits only when it has them (0.40, 0.0125). */
const priceText = (nanos: bigint) => formatTrimmed(nanos, 9).replace(/^(-?\d+)$/, '$1.00').replace(/\.(\d)$/, '.$10');

function facts(u: UnitUsage): UnitFacts {
  return { unit_kind: u.unitKind, units: u.units, calls: u.calls, cost_usd: formatCents(roundToCents(u.costNanos)), exact_cost_usd: formatUsd(u.costNanos) };
}

/**
 * `price` x the distinct units of the plan's kind; the AI cost behind them and the margin beside
 * it. The client's other calls (another kind, or no unit) are shown at cost and not billed.
 */
export function perUnitCharges(plan: Extract<ClientPlan, { type: 'per_unit' }>, { units, code, convert, money }: PerUnitInput): PlanCharge[] {
  const billed = units.find((u) => u.unitKind === plan.unit) ?? { unitKind: plan.unit, units: 0, calls: 0, costNanos: 0n };
  const revenue = BigInt(billed.units) * plan.priceNanos;
  const margin = (cost: bigint, billedAmount: bigint) => formatCents(roundToCents(billedAmount) - roundToCents(cost));
  const unitLine: PlanCharge = {
    kind: 'units',
    billed: true,
    description: `${billed.units} ${plan.unit} x ${priceText(convert(plan.priceNanos))} ${code}`,
    note: `AI cost ${money(convert(billed.costNanos))} over ${billed.calls} call(s); margin ${margin(convert(billed.costNanos), convert(revenue))} ${code}`,
    parts: [convert(revenue)],
    unit: {
      ...facts(billed),
      unit_price_usd: formatUsd(plan.priceNanos),
      margin_usd: margin(billed.costNanos, revenue),
      cost_per_unit_usd: costPerUnitUsd(billed.costNanos, billed.units),
      margin_per_unit_usd: costPerUnitUsd(revenue - billed.costNanos, billed.units),
    },
  };
  const others = units
    .filter((u) => u.unitKind !== plan.unit)
    .sort((a, b) => (a.unitKind === '' ? 1 : b.unitKind === '' ? -1 : a.unitKind < b.unitKind ? -1 : 1))
    .map((u): PlanCharge => ({
      kind: u.unitKind === '' ? 'no_unit' : 'other_unit',
      billed: false,
      description: u.unitKind === '' ? 'AI cost of calls without a unit (not billed under the plan)' : `AI cost of ${u.unitKind} work (not billed under the plan)`,
      note: u.unitKind === '' ? `${u.calls} call(s)` : `${u.calls} call(s) for ${u.units} new ${u.unitKind}`,
      parts: [convert(u.costNanos)],
      unit: facts(u),
    }));
  return [unitLine, ...others];
}
