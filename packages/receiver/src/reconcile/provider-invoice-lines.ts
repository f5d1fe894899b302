import { usdToNanos, type Pricer } from '@tokenledger/pricing';
import type { UsageGroup } from '../billing/invoice-usage.js';
import type { ExtraGroups } from '../billing/load-invoice.js';
import type { StoreClient } from '../clickhouse/store-client.js';
import type { AppConfig } from '../config/config-schema.js';
import { reconciliationReport } from './reconciliation-report.js';

/**
 * For clients with `invoice_from_provider_usage: true`: the provider's figures for every day and
 * model of the period where none of the client's calls were tracked (status provider_only per
 * day, provider, model and client), one invoice group per provider and model, marked as coming
 * from the provider's report. Days and models with tracked calls are billed from the calls only,
 * so nothing is billed twice. Off by default: a client without the switch gets nothing here.
 */
export function providerInvoiceGroups(store: StoreClient, pricer: Pricer, config: AppConfig): ExtraGroups {
  const enabled = new Set(config.file.clients.filter((c) => c.invoice_from_provider_usage).map((c) => c.id));
  return async (clientId, period) => {
    if (!enabled.has(clientId)) return [];
    const report = await reconciliationReport(store, pricer, { from: period.start, to: period.end, group_by: ['day', 'provider', 'model', 'client'] }, config.file.reconcile?.tolerance_pct ?? 2);
    const groups = new Map<string, UsageGroup>();
    for (const r of report.rows.filter((x) => x.client === clientId && x.status === 'provider_only')) {
      const key = `${String(r.provider)}\u0000${String(r.model)}`;
      const g = groups.get(key) ?? { provider: String(r.provider), model: String(r.model), priced: true, metered: true, source: 'provider_report' as const, calls: 0, input_tokens: 0, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 0, reasoning_tokens: 0, cost_nanos: 0n };
      g.calls += r.provider_requests ?? 0;
      g.input_tokens += r.provider_input_tokens ?? 0;
      g.cached_input_tokens += r.provider_cached_input_tokens ?? 0;
      g.cache_write_tokens += r.provider_cache_write_tokens ?? 0;
      g.output_tokens += r.provider_output_tokens ?? 0;
      g.cost_nanos += usdToNanos(r.provider_cost_usd!);
      groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => (a.provider === b.provider ? (a.model < b.model ? -1 : 1) : a.provider < b.provider ? -1 : 1));
  };
}
