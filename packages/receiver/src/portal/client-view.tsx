/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { Breakdown, CostCell, count } from './breakdown-table.js';
import { Budget } from './budget-card.js';
import { DailyBars } from './charts.js';
import { clientPath } from './client-path.js';
import type { ClientViewData } from './client-view-data.js';
import { centsText, invoiceText, marginCents } from './portal-money.js';

/** What the billed figure is, per plan (docs/billing.md "Plans"). */
const PLAN_BASIS = { cost_plus: 'cost + markup', retainer: 'retainer fee + overage', per_unit: 'per unit' } as const;

const DAY_MS = 86_400_000;
const periodDays = (i: { period_start: string; period_end: string }) => Math.round((Date.parse(i.period_end) - Date.parse(i.period_start)) / DAY_MS);

function PeriodPicker({ data }: { data: ClientViewData }) {
  const selected = data.invoice.period;
  const periods = data.periods.includes(selected) ? data.periods : [selected, ...data.periods];
  return (
    <form method="get" action={clientPath(data.invoice.client)} class="inline">
      <div>
        <label for="period">Period</label>
        <select id="period" name="period">
          {periods.map((p) => <option value={p} selected={p === selected}>{p === data.budget.period ? `${p} (current)` : p}</option>)}
        </select>
      </div>
      <button type="submit">Show</button>
    </form>
  );
}

/** One client's page for one period (design.md "Portal": client view). */
export function ClientView({ data, operator }: { data: ClientViewData; operator: boolean }) {
  const { invoice, currency, total } = data;
  const file = (name: string) => `${clientPath(invoice.client)}/${name}?period=${invoice.period}`;
  return (
    <>
      {operator ? <p><a href="/portal">← All clients</a></p> : null}
      <h2>
        {invoice.client_name} <span class="note">{`${invoice.period_start.slice(0, 10)} to ${invoice.period_end.slice(0, 10)} (UTC, end exclusive)`}</span>
      </h2>
      <PeriodPicker data={data} />
      <dl class="cards">
        <div class="card"><dt>{`Billed (${PLAN_BASIS[invoice.plan.type]})`}</dt><dd data-figure="billed">{invoiceText(invoice.total, invoice.currency)}</dd></div>
        <div class="card"><dt>{invoice.plan.type === 'cost_plus' ? 'Cost' : 'AI cost'}</dt><dd data-figure="cost">{invoiceText(invoice.base_cost, invoice.currency)}</dd></div>
        {invoice.plan.type === 'cost_plus'
          ? <div class="card"><dt>{`Markup (${invoice.markup_pct}%)`}</dt><dd data-figure="markup">{invoiceText(invoice.markup, invoice.currency)}</dd></div>
          : <div class="card"><dt>Billed less AI cost</dt><dd data-figure="margin">{centsText(marginCents(invoice.total, invoice.base_cost), invoice.currency)}</dd></div>}
        <div class="card"><dt>Calls</dt><dd data-figure="calls">{count(total?.calls ?? 0)}</dd></div>
      </dl>
      <section aria-labelledby="coverage-h">
        <h3 id="coverage-h">Calls without a cost</h3>
        <p>
          <strong data-figure="unpriced">{count(total?.unpriced_calls ?? 0)}</strong> unpriced calls (their model has no price yet) and{' '}
          <strong data-figure="unmetered">{count(total?.unmetered_calls ?? 0)}</strong> unmetered calls (no token usage reported). Neither is counted in the cost above until repriced.
        </p>
      </section>
      <Budget data={data} />
      <section aria-labelledby="daily-h">
        <h3 id="daily-h">Spend per day (cost)</h3>
        <DailyBars days={data.days} slots={periodDays(invoice)} lastDay={new Date(Date.parse(invoice.period_end) - DAY_MS).toISOString().slice(0, 10)} currency={currency} />
        <details>
          <summary>Spend per day as a table</summary>
          <div class="table-wrap" tabindex={0} role="region" aria-label="Spend per day">
            <table data-breakdown="day">
              <thead><tr><th scope="col">Day</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Cost</th></tr></thead>
              <tbody>
                {data.days.map((d) => (
                  <tr data-key={d.day}><th scope="row">{d.day}</th><td class="num" data-figure="calls">{count(d.calls)}</td><CostCell row={d} currency={currency} /></tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>
      <div class="breakdowns">
        <Breakdown title="Cost by model" name="model" rows={data.byModel} currency={currency} />
        <Breakdown title="Cost by project" name="project" rows={data.byProject} currency={currency} />
        <Breakdown title="Cost by feature" name="feature" rows={data.byFeature} currency={currency} />
      </div>
      <section aria-labelledby="downloads-h">
        <h3 id="downloads-h">Downloads</h3>
        <ul class="downloads">
          <li><a class="button" href={file('invoice.pdf')} download>Invoice (PDF)</a></li>
          <li><a class="button" href={file('invoice.csv')} download>Invoice (CSV)</a></li>
          <li><a class="button" href={file('calls.csv')} download>Every call (CSV)</a></li>
        </ul>
        {invoice.currency === 'USD' ? null : <p class="note">{`Amounts in ${invoice.currency} at ${invoice.exchange_rate} per USD.`}</p>}
      </section>
    </>
  );
}
