import { Hono } from 'hono';
import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';
import { enforceScope, type AuthVariables } from '../http/auth.js';
import { periodAt } from './billing-period.js';
import { budgetStatus } from './budget-status.js';
import { cachedUnaccountedCalls } from './unaccounted-calls.js';
import type { ClientDirectory } from './client-billing.js';
import { invoiceCsv } from './invoice-csv.js';
import { invoicePdf } from './invoice-pdf.js';
import type { StoreClient } from '../clickhouse/store-client.js';
import { loadInvoice, type ExtraGroups } from './load-invoice.js';
import type { SpendMonitor } from './spend-monitor.js';
import { listScopedBudgets } from './scoped-budget-list.js';
import type { ScopedBudgetMonitor } from './scoped-budget-monitor.js';

export interface BillingRouteDeps {
  store: StoreClient;
  directory: ClientDirectory;
  monitor: SpendMonitor;
  /** Budgets of the config's `budgets:` list (docs/budgets.md); none when absent. */
  scoped?: ScopedBudgetMonitor;
  now(): Date;
  /** Groups billed besides tracked calls (provider-report lines); none when absent. */
  invoiceExtra?: ExtraGroups;
}

const invoiceQuery = z.object({
  period: z.string().optional(),
  format: z.enum(['json', 'csv', 'pdf']).default('json'),
});

function clientParam(value: string): string {
  if (value.length === 0 || value.length > 256) throw new InvalidRequestError('client: 1 to 256 characters');
  return value;
}

/** GET /invoices/:client, GET /budgets/:client, GET /budgets (design.md "HTTP surface"; scoped budgets: docs/budgets.md). */
export function billingRoutes(deps: BillingRouteDeps): Hono {
  const routes = new Hono<{ Variables: AuthVariables }>();

  routes.get('/invoices/:client', async (c) => {
    const id = enforceScope(c.get('scopeClient'), clientParam(c.req.param('client')))!;
    const parsed = invoiceQuery.safeParse(c.req.query());
    if (!parsed.success) throw new InvalidRequestError('format: one of json, csv, pdf');
    const client = deps.directory.get(id);
    const label = parsed.data.period ?? periodAt(deps.now(), client.periodStartDay).label;
    const invoice = await loadInvoice(deps.store, client, label, deps.invoiceExtra);
    const file = `invoice-${id.replace(/[^A-Za-z0-9._-]/g, '_')}-${invoice.period}`;
    if (parsed.data.format === 'csv') {
      c.header('Content-Disposition', `attachment; filename="${file}.csv"`);
      return c.body(invoiceCsv(invoice), 200, { 'Content-Type': 'text/csv; charset=utf-8; header=present' });
    }
    if (parsed.data.format === 'pdf') {
      c.header('Content-Disposition', `attachment; filename="${file}.pdf"`);
      const pdf = await invoicePdf(invoice, deps.now());
      return c.body(pdf.buffer.slice(pdf.byteOffset, pdf.byteOffset + pdf.byteLength) as ArrayBuffer, 200, { 'Content-Type': 'application/pdf' });
    }
    return c.json(invoice);
  });

  const unaccounted = cachedUnaccountedCalls(deps.store);
  const status = async (id: string) => {
    const client = deps.directory.get(id);
    const period = periodAt(deps.now(), client.periodStartDay);
    const [spent, counts] = await Promise.all([deps.monitor.spent(client, period), unaccounted(id, period)]);
    return budgetStatus(client, period, spent, deps.now(), counts);
  };

  routes.get('/budgets/:client', async (c) => {
    const id = enforceScope(c.get('scopeClient'), clientParam(c.req.param('client')))!;
    return c.json(await status(id));
  });

  routes.get('/budgets', async (c) => {
    const scope = c.get('scopeClient');
    const ids = scope === null ? deps.directory.configured().map((cl) => cl.id) : [scope];
    const clients = (await Promise.all(ids.map(status))).map((s) => ({ ...s, scope: { client: s.client } }));
    const scoped = deps.scoped ? await listScopedBudgets(deps.scoped, scope) : [];
    return c.json({ budgets: [...clients, ...scoped] });
  });

  return routes as unknown as Hono;
}
