import { formatUsd } from '@tokenledger/pricing';
import { escapeSlackText } from './slack-text.js';

/** What an alert is about; (client, period, kind, threshold, subject) fires once. */
export interface Alert {
  kind: 'budget' | 'spike' | 'unpriced' | 'drift';
  client: string;
  client_name: string;
  period: string;
  /** Percent of budget for `budget`; 0 for the others. */
  threshold: number;
  /** The day of a spike, provider/model of an unpriced model; '' for budget thresholds. */
  subject: string;
  spent_nanos: bigint;
  budget_nanos: bigint | null;
  message: string;
  details: Record<string, string | number | null>;
}

export function alertId(a: Pick<Alert, 'client' | 'period' | 'kind' | 'threshold' | 'subject'>): string {
  return [a.kind, a.client, a.period, a.threshold, a.subject].join(':');
}

/**
 * The webhook body. `slack` is what a Slack incoming webhook accepts ({"text": ...}); `json` is
 * the whole alert for programs (docs/billing.md "Alerts" lists its fields).
 */
export function alertBody(a: Alert, format: 'slack' | 'json', firedAt: Date): string {
  if (format === 'slack') return JSON.stringify({ text: `TokenLedger: ${escapeSlackText(a.message)}` });
  return JSON.stringify({
    type: 'tokenledger.alert',
    alert_id: alertId(a),
    kind: a.kind,
    client: a.client,
    client_name: a.client_name,
    period: a.period,
    threshold_pct: a.kind === 'budget' ? a.threshold : null,
    subject: a.subject,
    spent_usd: formatUsd(a.spent_nanos),
    budget_usd: a.budget_nanos === null ? null : formatUsd(a.budget_nanos),
    message: a.message,
    details: a.details,
    fired_at: firedAt.toISOString(),
  });
}
