import { periodFromLabel, type BudgetStatus, type Invoice } from '../billing/index.js';
import type { UsageRow } from '../reports/index.js';
import type { PortalApi, Range, ReconciliationRow } from './portal-api.js';

export interface OperatorRow {
  invoice: Invoice;
  budget: BudgetStatus;
}

export interface OperatorViewData {
  period: string;
  range: Range;
  rows: OperatorRow[];
  /** The `"client": ""` row of the usage report over the calendar month, if any call had no client. */
  unattributed: UsageRow | undefined;
  /**
   * RECONCILIATION SLOT (design.md "Reconciliation"): null while this receiver has no
   * /api/v1/reconciliation route, [] when nothing was imported for the month.
   */
  reconciliation: ReconciliationRow[] | null | { error: string };
}

/** The calendar month of a YYYY-MM label (the period starting on day 1), as the reports API takes it. */
function monthRange(label: string): Range {
  const { start, end } = periodFromLabel(label);
  return { from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) };
}

/** `work` over `items`, at most `width` at a time: an agency with hundreds of clients does not open hundreds of queries at once. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return out;
}

/**
 * Every client's invoice for the period and its budget now, through the same API routes a client
 * reads: the configured clients, then any other id that had calls in the month.
 */
export async function loadOperatorView(api: PortalApi, period: string | undefined, now: Date): Promise<OperatorViewData> {
  const label = period ?? now.toISOString().slice(0, 7);
  const range = monthRange(label);
  const [budgets, usage, reconciliation] = await Promise.all([
    api.budgets(null),
    api.usage(null, range, 'client'),
    api.reconciliation(null, range).catch((err: Error) => ({ error: err.message })),
  ]);
  const configured = budgets.map((b) => b.client);
  const seen = usage.rows.map((r) => String(r.client)).filter((id) => id !== '' && !configured.includes(id));
  const extra = await inBatches(seen, 8, (id) => api.budget(null, id));
  const rows = await inBatches([...budgets, ...extra], 8, async (budget) => ({ invoice: await api.invoice(null, budget.client, label), budget }));
  return { period: label, range, rows, unattributed: usage.rows.find((r) => r.client === ''), reconciliation };
}
