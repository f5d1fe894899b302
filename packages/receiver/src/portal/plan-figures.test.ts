import { describe, expect, it } from 'vitest';
import { periodFromLabel, previousPeriod } from '../billing/billing-period.js';
import { budgetStatus } from '../billing/budget-status.js';
import type { ClientBilling } from '../billing/client-billing.js';
import type { ClientPlan } from '../billing/client-plan.js';
import { USD } from '../billing/invoice-currency.js';
import { buildInvoice } from '../billing/invoice.js';
import { ClientView } from './client-view.js';
import { OperatorView } from './operator-view.js';
import { marginCents } from './portal-money.js';

const nov = periodFromLabel('2026-11');
const now = new Date('2026-11-20T12:00:00Z');
const client = (id: string, plan: ClientPlan): ClientBilling => ({
  id, name: id, inConfig: true, plan, markupPct: plan.type === 'cost_plus' ? plan.markupPct : 0, markupBp: 0, budgetNanos: null, thresholds: [],
  hardCap: false, periodStartDay: 1, webhookUrl: null, webhookFormat: 'json', webhookSecret: null, spikeFactor: 0, currency: USD,
});
const gpt4o = (cost: bigint) => ({ provider: 'openai', model: 'gpt-4o', priced: true, metered: true, calls: 1, input_tokens: 500, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 200, reasoning_tokens: 0, cost_nanos: cost });
const invoiceOf = (c: ClientBilling, cost: bigint) => buildInvoice({ client: c, period: nov, groups: [gpt4o(cost)], previous: { period: previousPeriod(nov), groups: [] } });
const figure = (html: string, name: string) => new RegExp(`data-figure="${name}">([^<]*)<`).exec(html)?.[1];

// 312.405 USD of usage: cost plus 25% bills 312.41 + 78.10 = 390.51; a 500 USD retainer with 300
// included and 30% on the overage bills 500 + 12.41 + 3.72 = 516.13.
const costPlus = invoiceOf(client('acme', { type: 'cost_plus', markupPct: 25 }), 312_405_000_000n);
const retainer = invoiceOf(client('over', { type: 'retainer', feeNanos: 500_000_000_000n, includedNanos: 300_000_000_000n, overageMarkupPct: 30 }), 312_405_000_000n);

describe('portal figures under billing plans', () => {
  it('shows billed less cost as the margin: the markup under cost plus, fee and overage beyond cost under a retainer', async () => {
    expect([marginCents(costPlus.total, costPlus.base_cost), marginCents(retainer.total, retainer.base_cost), marginCents('0.80', '1.20')]).toEqual([7810n, 20372n, -40n]);
    const rows = [costPlus, retainer].map((invoice) => ({ invoice, budget: budgetStatus(client(invoice.client, { type: 'cost_plus', markupPct: 0 }), nov, 0n, now) }));
    const html = String(await OperatorView({ data: { period: '2026-11', range: { from: '2026-11-01', to: '2026-12-01' }, rows, unattributed: undefined, reconciliation: null }, now }).toString());
    expect([...html.matchAll(/data-figure="margin">([^<]*)</g)].map((m) => m[1])).toEqual(['$78.10', '$203.72', '$281.82']);
  });

  it("names a client's plan on its page, and shows a retainer's billed less AI cost instead of a markup", async () => {
    const page = async (invoice: typeof retainer) =>
      String(await ClientView({ data: { invoice, budget: budgetStatus(client(invoice.client, { type: 'cost_plus', markupPct: 0 }), nov, 0n, now), currency: USD, total: undefined, days: [], byModel: [], byProject: [], byFeature: [], periods: ['2026-11'] }, operator: false }).toString());
    const plain = await page(costPlus);
    expect(plain).toContain('<dt>Billed (cost + markup)</dt>');
    expect([figure(plain, 'billed'), figure(plain, 'cost'), figure(plain, 'markup')]).toEqual(['$390.51', '$312.41', '$78.10']);
    const html = await page(retainer);
    expect(html).toContain('<dt>Billed (retainer fee + overage)</dt>');
    expect([figure(html, 'billed'), figure(html, 'cost'), figure(html, 'margin'), figure(html, 'markup')]).toEqual(['$516.13', '$312.41', '$203.72', undefined]);
  });
});
