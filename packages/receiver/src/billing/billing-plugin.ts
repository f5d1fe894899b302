import { workClaimer } from '../coordination/work-claims.js';
import type { PluginContext, PluginInstance, ReceiverPlugin } from '../server/receiver.js';
import type { StoredCall } from '../store/llm-calls.js';
import { providerInvoiceGroups } from '../reconcile/provider-invoice-lines.js';
import { Alerter } from './alerter.js';
import { billingRoutes } from './billing-routes.js';
import { ClientDirectory } from './client-billing.js';
import { insertClients, syncClients } from './clients-table.js';
import { SpendMonitor } from './spend-monitor.js';
import { DEFAULT_RETRY, type RetryPolicy, type WebhookTarget } from './webhook-delivery.js';

const REFRESH_MS = 15_000;

export interface BillingInstance extends PluginInstance {
  /** Resolves when every alert claimed so far is recorded and delivered (or failed). */
  idle(): Promise<void>;
}

/** Budgets, alerts and invoices on top of ingest (docs/billing.md). */
export function createBilling(ctx: PluginContext): BillingInstance {
  const directory = new ClientDirectory(ctx.config);
  const alerts = ctx.config.file.alerts;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, attempts: alerts?.retry_attempts ?? DEFAULT_RETRY.attempts, baseMs: alerts?.retry_base_ms ?? DEFAULT_RETRY.baseMs };
  const targetFor = (id: string): WebhookTarget | null => {
    const client = directory.get(id);
    return client.webhookUrl ? { url: client.webhookUrl, format: client.webhookFormat, secret: client.webhookSecret } : null;
  };
  const report = (what: string) => (err: unknown) => ctx.log.write(`billing: ${what} failed: ${err instanceof Error ? err.message : String(err)}\n`);
  const claimer = workClaimer(ctx.store);
  const alerter = new Alerter(ctx.store, ctx.now, policy, targetFor, report, (key) => claimer.claim(key));
  const monitor = new SpendMonitor(ctx.store, directory, alerter, ctx.now, alerts);
  const listed = new Set<string>();
  let refresh: NodeJS.Timeout | null = null;
  const background = new Set<Promise<unknown>>();

  const track = (p: Promise<unknown>) => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };

  // Ids seen in traffic without a config entry go into `clients` (in_config = 0) when first seen.
  const listNewClients = (rows: readonly StoredCall[]) => {
    const fresh = [...new Set(rows.map((r) => r.client_id))].filter((id) => id !== '' && !listed.has(id));
    fresh.forEach((id) => listed.add(id));
    const unconfigured = fresh.map((id) => directory.get(id)).filter((c) => !c.inConfig);
    if (!unconfigured.length) return;
    track(insertClients(ctx.store, unconfigured, ctx.now()).catch(() => unconfigured.forEach((c) => listed.delete(c.id))));
  };

  return {
    routes: billingRoutes({ store: ctx.store, directory, monitor, now: ctx.now, invoiceExtra: providerInvoiceGroups(ctx.store, ctx.pricer, ctx.config) }),
    async start() {
      const others = await syncClients(ctx.store, directory, ctx.now());
      [...others, ...directory.configured().map((c) => c.id)].forEach((id) => listed.add(id));
      await monitor.load();
      // Spend this process did not see (other replicas behind the load balancer, `tokenledger
      // reprice` run elsewhere) reaches the in-memory budgets within this interval.
      refresh = setInterval(() => track(monitor.reload().catch(report('budget refresh'))), REFRESH_MS);
      refresh.unref();
    },
    onStored(rows) {
      monitor.observe(rows);
      listNewClients(rows);
    },
    // Settle marked repeats or moved calls to a client: spend figures are read again from the
    // deduplicated calls (a failed reload keeps the previous figures until the next one).
    onRewritten() {
      track(monitor.reload().catch(report('budget reload after settle')));
    },
    idle: async () => {
      await Promise.all([...background]);
      await alerter.idle();
    },
    async close() {
      if (refresh) clearInterval(refresh);
      await Promise.all([...background]);
      await alerter.idle();
    },
  };
}

export const billingPlugin: ReceiverPlugin = { name: 'billing', create: createBilling };
