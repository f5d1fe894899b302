import { safeCsv } from '../reports/csv-safe.js';
import type { Invoice, TokenCounts } from './invoice.js';
import type { PlanLine } from './plan-lines.js';

/**
 * RFC 4180 CSV (CRLF line ends, quotes where needed), one table an invoicing tool can import:
 * one header row, then one row per `line`, `unpriced` and `unmetered` entry, then one per plan
 * line (`base_cost` and `markup` under cost plus; `fee`, `overage`... under other plans, typed by
 * their kind), then the `total` and `previous_total` rows. Every row has every column (docs/billing.md "CSV"):
 * `amount_usd`, and `amount` in the invoice's `currency` (the same figure when that is USD).
 * Text cells that a spreadsheet would run as formulas are neutralised (reports/csv-safe.ts).
 */
export const INVOICE_CSV_HEADER = [
  'client', 'period', 'type', 'description', 'provider', 'model', 'calls',
  'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'amount_usd',
  'currency', 'amount',
] as const;

const tokens = (t: TokenCounts) => [t.calls, t.input_tokens, t.cached_input_tokens, t.cache_write_tokens, t.output_tokens, t.reasoning_tokens];
const blankTokens = ['', '', '', '', '', ''];

/** A plan line's text with its note, and whether it counts in the total (cost-plus lines read as they always did). */
const planText = (l: PlanLine) => `${l.description}${l.note ? ` (${l.note})` : ''}${l.billed ? '' : ' [not billed]'}`;

export function invoiceCsv(inv: Invoice): string {
  const row = (type: string, description: string, provider: string, model: string, counts: Array<string | number>, usd: string, amount: string) => [
    inv.client, inv.period, type, description, provider, model, ...counts, usd, amount === '' ? '' : inv.currency, amount,
  ];
  const rows = [
    ...inv.lines.map((l) => row('line', `${l.provider} ${l.model}${l.source ? " (from the provider's usage report)" : ''}`, l.provider, l.model, tokens(l), l.cost_usd, l.amount)),
    ...inv.unpriced.map((l) => row('unpriced', `${l.provider} ${l.model} (no price; not billed)`, l.provider, l.model, tokens(l), '', '')),
    ...inv.unmetered.map((l) => row('unmetered', `${l.provider} ${l.model} (no token usage reported)`, l.provider, l.model, [l.calls, '', '', '', '', ''], '', '')),
    ...inv.plan_lines.map((l) => row(l.kind, planText(l), '', '', l.calls === undefined ? blankTokens : [l.calls, '', '', '', '', ''], l.amount_usd, l.amount)),
    row('total', 'Total', '', '', blankTokens, inv.total_usd, inv.total),
    row('previous_total', `Total ${inv.previous_period}${inv.change_pct === null ? '' : ` (change ${inv.change_pct}%)`}`, '', '', blankTokens, inv.previous_period_total_usd, inv.previous_period_total),
  ];
  return safeCsv([[...INVOICE_CSV_HEADER], ...rows], { record_delimiter: 'windows' });
}
