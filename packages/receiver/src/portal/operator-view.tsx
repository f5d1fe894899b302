/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { parseScaled } from '@tokenledger/pricing';
import { USD } from '../billing/invoice-currency.js';
import type { ReconciliationRow } from './portal-api.js';
import type { OperatorRow, OperatorViewData } from './operator-view-data.js';
import { clientPath } from './client-path.js';
import { periodLabels } from './client-view-data.js';
import { centsText, invoiceText, marginCents, usdText } from './portal-money.js';

const clientLink = (id: string, period: string) => `${clientPath(id)}?period=${period}`;
const cents = (amount: string) => parseScaled(amount, 2, 'exact');

function ClientRow({ row, period }: { row: OperatorRow; period: string }) {
  const { invoice, budget } = row;
  const money = (amount: string) => invoiceText(amount, invoice.currency);
  const unpriced = invoice.unpriced.reduce((n, l) => n + l.calls, 0);
  const unmetered = invoice.unmetered.reduce((n, l) => n + l.calls, 0);
  return (
    <tr data-key={invoice.client}>
      <th scope="row"><a href={clientLink(invoice.client, period)}>{invoice.client_name}</a></th>
      <td class="num" data-figure="cost">{money(invoice.base_cost)}</td>
      <td class="num" data-figure="billed">{money(invoice.total)}</td>
      <td class="num" data-figure="margin">{centsText(marginCents(invoice.total, invoice.base_cost), invoice.currency)}</td>
      <td data-figure="budget-status">
        <span class={`status status-${budget.status}`}>{budget.status}</span>
        {budget.used_pct === null ? ' no budget' : ` ${budget.used_pct}%`}
      </td>
      <td class="num" data-figure="unpriced">{unpriced}</td>
      <td class="num" data-figure="unmetered">{unmetered}</td>
    </tr>
  );
}

/**
 * Drift against the provider's bill, shown only for a month with an imported provider report: with
 * none, every row is `no_provider_data` and the table would say nothing the client rows do not.
 */
function Reconciliation({ rows }: { rows: OperatorViewData['reconciliation'] }) {
  if (rows === null || (Array.isArray(rows) && rows.every((r) => r.provider_cost_usd === null))) return null;
  if (!Array.isArray(rows)) return <section><h3>Reconciliation</h3><p class="error">{`Reconciliation is unavailable: ${rows.error}`}</p></section>;
  return (
    <section aria-labelledby="recon-h" class="table-wrap" tabindex={0}>
      <h3 id="recon-h">Provider bill against tracked spend</h3>
      <table data-breakdown="reconciliation">
        <thead><tr><th scope="col">Client</th><th scope="col" class="num">Provider</th><th scope="col" class="num">Tracked</th><th scope="col" class="num">Drift</th><th scope="col">Status</th></tr></thead>
        <tbody>
          {rows.map((r: ReconciliationRow) => (
            <tr data-key={r.client ?? ''}>
              <th scope="row">{r.client || '(unattributed)'}</th>
              <td class="num">{r.provider_cost_usd === null ? '—' : usdText(r.provider_cost_usd, USD)}</td>
              <td class="num">{usdText(r.tracked_cost_usd, USD)}</td>
              <td class="num">{r.drift_usd === null ? '—' : `${usdText(r.drift_usd, USD)}${r.drift_pct === null ? '' : ` (${r.drift_pct}%)`}`}</td>
              <td>{r.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Where an unscoped session lands (design.md "Portal": operator view). */
export function OperatorView({ data, now }: { data: OperatorViewData; now: Date }) {
  const usd = data.rows.map((r) => r.invoice);
  const sum = (pick: (i: (typeof usd)[number]) => string) => centsText(usd.reduce((n, i) => n + cents(pick(i)), 0n), 'USD');
  const current = now.toISOString().slice(0, 7);
  return (
    <>
      <h2>All clients <span class="note">{`${data.range.from} to ${data.range.to} (UTC, end exclusive)`}</span></h2>
      <form method="get" action="/portal" class="inline">
        <div>
          <label for="period">Period</label>
          <select id="period" name="period">
            {periodLabels(current, 13).map((p) => <option value={p} selected={p === data.period}>{p === current ? `${p} (current)` : p}</option>)}
          </select>
        </div>
        <button type="submit">Show</button>
      </form>
      <p class="note">Each client in its invoice currency; budget status is for the current period.</p>
      <section class="table-wrap" aria-label="Clients" tabindex={0}>
        <table data-breakdown="clients">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col" class="num">Cost</th>
              <th scope="col" class="num">Billed</th>
              <th scope="col" class="num">Margin</th>
              <th scope="col">Budget</th>
              <th scope="col" class="num">Unpriced</th>
              <th scope="col" class="num">Unmetered</th>
            </tr>
          </thead>
          <tbody>{data.rows.map((row) => <ClientRow row={row} period={data.period} />)}</tbody>
          <tfoot>
            <tr data-key="(total)">
              <th scope="row">All clients (USD)</th>
              <td class="num" data-figure="cost">{sum((i) => i.base_cost_usd)}</td>
              <td class="num" data-figure="billed">{sum((i) => i.total_usd)}</td>
              <td class="num" data-figure="margin">{centsText(usd.reduce((n, i) => n + marginCents(i.total_usd, i.base_cost_usd), 0n), 'USD')}</td>
              <td colspan={3}></td>
            </tr>
          </tfoot>
        </table>
      </section>
      <section aria-labelledby="unattributed-h">
        <h3 id="unattributed-h">Unattributed spend</h3>
        <p>
          <strong data-figure="unattributed-cost">{usdText(data.unattributed?.cost_usd ?? '0', USD)}</strong> over{' '}
          <span data-figure="unattributed-calls">{data.unattributed?.calls ?? 0}</span> calls with no client
          {data.unattributed && (data.unattributed.unpriced_calls || data.unattributed.unmetered_calls)
            ? ` (${data.unattributed.unpriced_calls} unpriced, ${data.unattributed.unmetered_calls} unmetered)`
            : ''}
          . Set <code>tokenledger.client.id</code> on those spans to bill them.
        </p>
      </section>
      <Reconciliation rows={data.reconciliation} />
    </>
  );
}
