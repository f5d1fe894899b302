import { formatTable } from '../cli/format-table.js';
import type { Invoice } from './invoice.js';

/** The invoice as an aligned terminal table (`tokenledger invoice --format table`). */
export function invoiceText(inv: Invoice): string {
  const currency = inv.currency.toLowerCase();
  const header = ['provider', 'model', 'calls', 'input', 'cached', 'cache_write', 'output', 'reasoning', `amount_${currency}`];
  const rows = inv.lines.map((l) => [l.provider, l.source ? `${l.model} (provider report)` : l.model, l.calls, l.input_tokens, l.cached_input_tokens, l.cache_write_tokens, l.output_tokens, l.reasoning_tokens, l.amount]);
  const out = [`invoice ${inv.client_name} (${inv.client}) period ${inv.period}: ${inv.period_start.slice(0, 10)} .. ${inv.period_end.slice(0, 10)} (end exclusive)`, formatTable(header, rows)];
  if (inv.unpriced.length) {
    out.push('unpriced usage (no price found; not billed):');
    out.push(formatTable(header.slice(0, 8), inv.unpriced.map((l) => [l.provider, l.model, l.calls, l.input_tokens, l.cached_input_tokens, l.cache_write_tokens, l.output_tokens, l.reasoning_tokens])));
  }
  if (inv.unmetered.length) {
    out.push('unmetered calls (no token usage reported; not billed):');
    out.push(formatTable(['provider', 'model', 'calls'], inv.unmetered.map((l) => [l.provider, l.model, l.calls])));
  }
  const change = inv.change_pct === null ? 'n/a' : `${inv.change_pct}%`;
  if (inv.currency !== 'USD') out.push(`amounts in ${inv.currency} at a fixed 1 USD = ${inv.exchange_rate} ${inv.currency}`);
  const units = inv.plan_lines.filter((l) => l.unit_kind !== undefined);
  if (units.length) {
    out.push(`units (plan: ${inv.plan.type === 'per_unit' ? `${inv.plan.unit} at ${inv.plan.price_per_unit_usd} USD` : inv.plan.type}; AI cost and margin in usd):`);
    out.push(formatTable(['unit_kind', 'units', 'calls', 'cost_usd', 'margin_usd', 'cost_per_unit', 'margin_per_unit'], units.map((l) => [l.unit_kind || '(no unit)', l.units ?? '', l.calls ?? '', l.cost_usd ?? '', l.margin_usd ?? '-', l.cost_per_unit_usd ?? '-', l.margin_per_unit_usd ?? '-'])));
  }
  out.push(
    formatTable(
      ['', currency, ''],
      [
        ...inv.plan_lines.map((l) => [l.billed ? l.description : `${l.description} [not billed]`, l.amount, l.note ?? '']),
        ['total', inv.total, ''],
        [`previous period ${inv.previous_period} (change ${change})`, inv.previous_period_total, ''],
      ],
    ),
  );
  return out.join('\n');
}
