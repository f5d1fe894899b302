/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { InvoiceCurrency } from '../billing/invoice-currency.js';
import type { UsageRow } from '../reports/index.js';
import type { DaySpend } from './client-view-data.js';
import { usdText } from './portal-money.js';

export const count = (n: number) => n.toLocaleString('en-US');

/**
 * A row whose every call is unpriced or unmetered has no cost to show: it says so in those words
 * rather than "$0.00" (design.md "Money": never shown as $0).
 */
export function CostCell({ row, currency }: { row: Omit<DaySpend, 'day'>; currency: InvoiceCurrency }) {
  const uncosted = row.unpriced_calls + row.unmetered_calls;
  if (uncosted === 0 || uncosted < row.calls || /[1-9]/.test(row.cost_usd)) return <td class="num" data-figure="cost">{usdText(row.cost_usd, currency)}</td>;
  const words = [row.unpriced_calls ? 'unpriced' : '', row.unmetered_calls ? 'unmetered' : ''].filter(Boolean).join(', ');
  return <td class="num unpriced" data-figure="cost">{words}</td>;
}

/** One grouping of the usage report as a table: calls, cost, unpriced and unmetered counts per key. */
export function Breakdown({ title, name, rows, currency }: { title: string; name: 'model' | 'project' | 'feature'; rows: UsageRow[]; currency: InvoiceCurrency }) {
  return (
    <section aria-label={`Cost by ${name}`} class="table-wrap" tabindex={0}>
      <table data-breakdown={name}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{name[0]!.toUpperCase() + name.slice(1)}</th>
            <th scope="col" class="num">Calls</th>
            <th scope="col" class="num">Cost</th>
            <th scope="col" class="num">Unpriced</th>
            <th scope="col" class="num">Unmetered</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr><td colspan={5}>No calls in this period.</td></tr>
          ) : (
            rows.map((r) => (
              <tr data-key={String(r[name] ?? '')}>
                <th scope="row">{String(r[name] ?? '') || '(none)'}</th>
                <td class="num" data-figure="calls">{count(r.calls)}</td>
                <CostCell row={r} currency={currency} />
                <td class="num" data-figure="unpriced">{count(r.unpriced_calls)}</td>
                <td class="num" data-figure="unmetered">{count(r.unmetered_calls)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}

