import { formatCents, roundToCents, usdToNanos } from '@tokenledger/pricing';
import type { Alert } from '../billing/alert.js';
import type { ReconcileReport } from './reconciliation-report.js';

const usd = (text: string) => `$${formatCents(roundToCents(usdToNanos(text)))}`;

/**
 * One alert per complete UTC day and provider whose total over models drifts beyond tolerance
 * (design.md "Reconciliation"): rows of a report grouped by day and provider, days before
 * `today` only (today is still being billed), and never a day the provider reported nothing for.
 * (kind, client '', period, 0, subject provider/day) fires once, as budget alerts do.
 */
export function driftAlerts(report: ReconcileReport, today: string, tolerancePct: number): Alert[] {
  return report.rows
    .filter((r) => String(r.day) < today && (r.status === 'under_tracked' || r.status === 'over_tracked' || r.status === 'provider_only'))
    .map((r) => {
      const day = String(r.day);
      const provider = String(r.provider);
      const pct = r.drift_pct === null ? '' : ` (${r.drift_pct}%)`;
      const side = r.status === 'over_tracked' ? 'tracked more than the provider billed' : r.status === 'provider_only' ? 'tracked nothing of what the provider billed' : 'the provider billed more than was tracked';
      return {
        kind: 'drift',
        client: '',
        client_name: '',
        period: day.slice(0, 7),
        threshold: 0,
        subject: `${provider}/${day}`,
        spent_nanos: usdToNanos(r.tracked_cost_usd),
        budget_nanos: usdToNanos(r.provider_cost_usd!),
        message: `${provider} billed ${usd(r.provider_cost_usd!)} on ${day}, TokenLedger tracked ${usd(r.tracked_cost_usd)}: ${side}, drift ${usd(r.drift_usd!)}${pct}, beyond the ${tolerancePct}% tolerance.`,
        details: { provider, day, status: r.status, provider_cost_usd: r.provider_cost_usd, tracked_cost_usd: r.tracked_cost_usd, drift_usd: r.drift_usd, drift_pct: r.drift_pct, tolerance_pct: tolerancePct },
      } satisfies Alert;
    });
}
