import { parseScaled } from '@tokenledger/pricing';
import type { BudgetStatus, Invoice } from '../billing/index.js';
import type { InvoiceCurrency } from '../billing/invoice-currency.js';
import type { UsageRow } from '../reports/index.js';
import type { PortalApi } from './portal-api.js';
import { invoiceCurrency } from './portal-money.js';

export type DaySpend = Pick<UsageRow, 'cost_usd' | 'calls' | 'unpriced_calls' | 'unmetered_calls'> & { day: string };

export interface ClientViewData {
  invoice: Invoice;
  budget: BudgetStatus;
  currency: InvoiceCurrency;
  /** The whole period in one row (absent when the client made no call in it). */
  total: UsageRow | undefined;
  /** Every day of the period up to its end or today, days without calls at 0. */
  days: DaySpend[];
  byModel: UsageRow[];
  byProject: UsageRow[];
  byFeature: UsageRow[];
  /** Period labels offered in the picker, newest first. */
  periods: string[];
}

const DAY_MS = 86_400_000;

/** Labels YYYY-MM from `current` back `count` months. */
export function periodLabels(current: string, count: number): string[] {
  const [year, month] = current.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(year, month - 1 - i, 1)).toISOString().slice(0, 7));
}

function everyDay(from: string, to: string, now: Date, rows: UsageRow[]): DaySpend[] {
  const byDay = new Map(rows.map((r) => [String(r.day), r]));
  const end = Math.min(Date.parse(to), Date.parse(now.toISOString().slice(0, 10)) + DAY_MS);
  const days: DaySpend[] = [];
  for (let t = Date.parse(from); t < end; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    const row = byDay.get(day);
    days.push({ day, cost_usd: row?.cost_usd ?? '0.000000000', calls: row?.calls ?? 0, unpriced_calls: row?.unpriced_calls ?? 0, unmetered_calls: row?.unmetered_calls ?? 0 });
  }
  return days;
}

/** What a client's page shows for one period, every figure from the reports, invoices and budgets API. */
export async function loadClientView(api: PortalApi, scope: string | null, client: string, period: string | undefined, now: Date): Promise<ClientViewData> {
  const [invoice, budget] = await Promise.all([api.invoice(scope, client, period), api.budget(scope, client)]);
  const range = { from: invoice.period_start, to: invoice.period_end };
  const [total, days, byModel, byProject, byFeature] = await Promise.all(
    (['client', 'day', 'model', 'project', 'feature'] as const).map(async (key) => (await api.usage(scope, range, key, client)).rows),
  );
  return {
    invoice,
    budget,
    currency: invoiceCurrency(invoice),
    total: total![0],
    days: everyDay(range.from, range.to, now, days!),
    byModel: byCost(byModel!),
    byProject: byCost(byProject!),
    byFeature: byCost(byFeature!),
    periods: periodLabels(budget.period, 13),
  };
}

/** Largest cost first (exact, on nanos), then by calls. */
function byCost(rows: UsageRow[]): UsageRow[] {
  const nanos = (r: UsageRow) => parseScaled(r.cost_usd, 9, 'exact');
  return [...rows].sort((a, b) => (nanos(b) > nanos(a) ? 1 : nanos(b) < nanos(a) ? -1 : b.calls - a.calls));
}
