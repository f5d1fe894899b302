import type { StoreClient } from '../clickhouse/store-client.js';
import { periodFromLabel, previousPeriod } from './billing-period.js';
import type { ClientBilling } from './client-billing.js';
import { buildInvoice, type Invoice } from './invoice.js';
import { usageGroups } from './invoice-usage.js';

/** The invoice of one client for one period label (YYYY-MM), with the previous period beside it. */
export async function loadInvoice(store: StoreClient, client: ClientBilling, label: string): Promise<Invoice> {
  const period = periodFromLabel(label, client.periodStartDay);
  const previous = previousPeriod(period, client.periodStartDay);
  const [groups, previousGroups] = await Promise.all([usageGroups(store, client.id, period), usageGroups(store, client.id, previous)]);
  return buildInvoice({ client, period, groups, previous: { period: previous, groups: previousGroups } });
}
