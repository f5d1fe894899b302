/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { formatUsd, parseScaled } from '@tokenledger/pricing';
import type { BudgetStatus } from '../billing/index.js';
import type { InvoiceCurrency } from '../billing/invoice-currency.js';
import type { DaySpend } from './client-view-data.js';
import { usdText } from './portal-money.js';

/** A ratio for drawing only (never for money): exact nanos, then a float in [0, 1]. */
const ratio = (part: string, whole: bigint) => (whole === 0n ? 0 : Number((parseScaled(part, 9, 'exact') * 10_000n) / whole) / 10_000);

/** Spend per day as bars in inline SVG, one slot per day of the period; the numbers are in the table beside it. */
export function DailyBars({ days, slots, lastDay, currency }: { days: DaySpend[]; slots: number; lastDay: string; currency: InvoiceCurrency }) {
  const max = days.reduce((m, d) => (parseScaled(d.cost_usd, 9, 'exact') > m ? parseScaled(d.cost_usd, 9, 'exact') : m), 0n);
  const width = 620;
  const height = 160;
  const slot = width / Math.max(slots, days.length, 1);
  const top = usdText(formatUsd(max), currency);
  return (
    <svg class="bars" viewBox={`0 0 ${width} ${height + 24}`} role="img" aria-labelledby="daily-title">
      <title id="daily-title">{`Spend per day, highest ${top}`}</title>
      <line x1="0" y1={height} x2={width} y2={height} stroke="#9aa4ae" stroke-width="1" />
      {days.map((d, i) => {
        const h = Math.max(ratio(d.cost_usd, max) * (height - 8), d.calls > 0 ? 1 : 0);
        return (
          <rect x={(i * slot + slot * 0.15).toFixed(2)} y={(height - h).toFixed(2)} width={(slot * 0.7).toFixed(2)} height={h.toFixed(2)} fill="var(--accent)">
            <title>{`${d.day}: ${usdText(d.cost_usd, currency)}`}</title>
          </rect>
        );
      })}
      <text x="0" y={height + 18} font-size="12" fill="#4b5563">{days[0]?.day ?? ''}</text>
      <text x={width} y={height + 18} font-size="12" fill="#4b5563" text-anchor="end">{lastDay}</text>
    </svg>
  );
}

/** The budget as a gauge: spent against the budget, with the month-end projection marked. */
export function BudgetGauge({ budget }: { budget: BudgetStatus }) {
  if (budget.budget_usd === null) return null;
  const whole = parseScaled(budget.budget_usd, 9, 'exact');
  const spent = Math.min(ratio(budget.spent_usd, whole), 1);
  const projected = Math.min(ratio(budget.projected_usd, whole), 1);
  const fill = budget.status === 'exceeded' ? '#b91c1c' : budget.status === 'warning' ? '#b45309' : 'var(--accent)';
  return (
    <svg class="bars" viewBox="0 0 620 36" role="img" aria-labelledby="gauge-title">
      <title id="gauge-title">{`Budget used: ${budget.used_pct ?? 0}%`}</title>
      <rect x="0" y="6" width="620" height="20" rx="4" fill="#e5e7eb" />
      <rect x="0" y="6" width={(620 * spent).toFixed(2)} height="20" rx="4" fill={fill} />
      <line x1={(620 * projected).toFixed(2)} y1="0" x2={(620 * projected).toFixed(2)} y2="32" stroke="#1f2328" stroke-width="2" stroke-dasharray="4 3" />
    </svg>
  );
}
