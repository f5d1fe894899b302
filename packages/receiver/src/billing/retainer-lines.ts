import { formatUsd, markupNanos } from '@tokenledger/pricing';
import type { ClientPlan } from './client-plan.js';
import type { MoneyText, PlanCharge } from './plan-lines.js';

interface RetainerInput {
  period: string;
  /** Exact cost of each billed usage line, in the invoice currency. */
  lines: readonly bigint[];
  convert(usdNanos: bigint): bigint;
  money: MoneyText;
}

/**
 * A fixed fee that covers `included` of AI cost (at cost); cost beyond it is billed at cost plus
 * the overage markup. The allowance is compared with the exact cost, so one nano-dollar over is
 * an overage of one nano-dollar, which rounds to 0.00 on its line like any other amount.
 */
export function retainerCharges(plan: Extract<ClientPlan, { type: 'retainer' }>, { period, lines, convert, money }: RetainerInput): PlanCharge[] {
  const used = lines.reduce((sum, n) => sum + n, 0n);
  const allowance = convert(plan.includedNanos);
  const included = used < allowance ? used : allowance;
  const overage = used - included;
  const within = overage === 0n;
  return [
    { kind: 'fee', billed: true, description: `Retainer fee ${period}`, note: `includes ${money(allowance)} of AI usage at cost`, parts: [convert(plan.feeNanos)] },
    { kind: 'usage_at_cost', billed: false, description: 'AI usage at cost', note: `${lines.length} usage line(s), each rounded to the cent; billed through the fee and the overage`, parts: [...lines] },
    {
      kind: 'included',
      billed: false,
      description: 'Included in the fee',
      note: within ? `all the usage; ${money(allowance - used)} of the ${money(allowance)} allowance unused` : `the whole ${money(allowance)} allowance`,
      parts: [included],
    },
    {
      kind: 'overage',
      billed: true,
      description: 'Overage at cost',
      note: within ? `none: the usage is within the ${money(allowance)} included` : `usage beyond the ${money(allowance)} included: exactly ${formatUsd(overage)}, rounded half-up to the cent`,
      parts: [overage],
    },
    {
      kind: 'overage_markup',
      billed: true,
      description: `Markup ${plan.overageMarkupPct}% on the overage`,
      note: `on the exact overage ${formatUsd(overage)}, rounded half-up to the cent`,
      parts: [markupNanos(overage, plan.overageMarkupPct)],
    },
  ];
}
