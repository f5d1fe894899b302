/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { ClientViewData } from './client-view-data.js';
import { BudgetGauge } from './charts.js';
import { clientPath } from './client-path.js';
import { usdText } from './portal-money.js';

/** The budget of the current period as /api/v1/budgets/:client says it; a past period links to the current one. */
export function Budget({ data }: { data: ClientViewData }) {
  const { budget, currency, invoice } = data;
  if (budget.period !== invoice.period) {
    return (
      <section aria-labelledby="budget-h">
        <h3 id="budget-h">Budget</h3>
        <p class="note">
          The budget is tracked for the current period, <a href={`${clientPath(invoice.client)}?period=${budget.period}`}>{budget.period}</a>.
        </p>
      </section>
    );
  }
  return (
    <section aria-labelledby="budget-h">
      <h3 id="budget-h">
        Budget <span class={`status status-${budget.status}`} data-figure="budget-status">{budget.status}</span>
      </h3>
      {budget.budget_usd === null ? <p class="note">No monthly budget is set.</p> : <BudgetGauge budget={budget} />}
      <dl class="cards">
        {budget.budget_usd === null ? null : (
          <>
            <div class="card"><dt>Monthly budget</dt><dd data-figure="budget">{usdText(budget.budget_usd, currency)}</dd></div>
            <div class="card"><dt>Remaining</dt><dd data-figure="budget-remaining">{usdText(budget.remaining_usd!, currency)}</dd></div>
            <div class="card"><dt>Used</dt><dd data-figure="budget-used">{`${budget.used_pct}%`}</dd></div>
          </>
        )}
        <div class="card"><dt>Spent (cost)</dt><dd data-figure="budget-spent">{usdText(budget.spent_usd, currency)}</dd></div>
        <div class="card"><dt>Projected at period end</dt><dd data-figure="budget-projected">{usdText(budget.projected_usd, currency)}</dd></div>
      </dl>
    </section>
  );
}

