import type { StoreClient } from '../clickhouse/store-client.js';
import { readUnitUsage } from '../reports/unit-usage.js';
import { periodFromLabel, previousPeriod, type BillingPeriod } from './billing-period.js';
import type { ClientBilling } from './client-billing.js';
import { buildInvoice, type Invoice } from './invoice.js';
import { usageGroups, type UsageGroup } from './invoice-usage.js';

/** Groups billed besides the tracked calls, e.g. from the provider's report (reconcile/provider-invoice-lines.ts). */
export type ExtraGroups = (clientId: string, period: BillingPeriod) => Promise<UsageGroup[]>;

/** The client's calls by unit kind, for a per-unit plan only (the other plans do not look at units). */
const unitsOf = async (store: StoreClient, client: ClientBilling, period: BillingPeriod) =>
  client.plan.type === 'per_unit' ? readUnitUsage(store, { clientId: client.id, from: period.start, to: period.end }) : [];

const withExtra = async (store: StoreClient, id: string, period: BillingPeriod, extra?: ExtraGroups) => [
  ...(await usageGroups(store, id, period)),
  ...(extra ? await extra(id, period) : []),
];

/** The invoice of one client for one period label (YYYY-MM), with the previous period beside it. */
export async function loadInvoice(store: StoreClient, client: ClientBilling, label: string, extra?: ExtraGroups): Promise<Invoice> {
  const period = periodFromLabel(label, client.periodStartDay);
  const previous = previousPeriod(period, client.periodStartDay);
  const [groups, previousGroups, units, previousUnits] = await Promise.all([
    withExtra(store, client.id, period, extra),
    withExtra(store, client.id, previous, extra),
    unitsOf(store, client, period),
    unitsOf(store, client, previous),
  ]);
  return buildInvoice({ client, period, groups, units, previous: { period: previous, groups: previousGroups, units: previousUnits } });
}
