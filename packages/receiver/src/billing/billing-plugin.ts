import { workClaimer } from '../coordination/work-claims.js';
import type { PluginContext, PluginInstance, ReceiverPlugin } from '../server/receiver.js';
import type { StoredCall } from '../store/llm-calls.js';
import { providerInvoiceGroups } from '../reconcile/provider-invoice-lines.js';
import { Alerter, type AlertTarget } from './alerter.js';
import { billingRoutes } from './billing-routes.js';
import { ClientDirectory } from './client-billing.js';
import { insertClients, syncClients } from './clients-table.js';
import { SpendMonitor } from './spend-monitor.js';
import { SCOPE_SUBJECT_PREFIX, scopedBudgets } from './scoped-budget.js';
import { ScopedBudgetMonitor } from './scoped-budget-monitor.js';
import { BackgroundTask } from '../server/background-task.js';
import { RecentIds } from './recent-ids.js';
import { DEFAULT_RETRY, type RetryPolicy, type WebhookTarget } from './webhook-delivery.js';

const REFRESH_MS = 15_000;
const MAX_REFRESH_BACKOFF_MS = 5 * 60_000;
/** Ids seen in traffic that this process remembers having listed in `clients`. */
const LISTED_IDS = 10_000;

export interface BillingInstance extends PluginInstance {
  /** Resolves when every alert claimed so far is recorded and delivered (or failed). */
  idle(): Promise<void>;
}

/** Budgets, alerts and invoices on top of ingest (docs/billing.md). */
export function createBilling(ctx: PluginContext): BillingInstance {
  const directory = new ClientDirectory(ctx.config);
  const alerts = ctx.config.file.alerts;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, attempts: alerts?.retry_attempts ?? DEFAULT_RETRY.attempts, baseMs: alerts?.retry_base_ms ?? DEFAULT_RETRY.baseMs };
  const scopes = scopedBudgets(ctx.config);
  const scopeTargets = new Map(scopes.map((b) => [`${SCOPE_SUBJECT_PREFIX}${b.key}`, b.webhook]));
  const targetFor = ({ client: id, kind, subject }: AlertTarget): WebhookTarget | null => {
    if (kind === 'budget' && subject.startsWith(SCOPE_SUBJECT_PREFIX)) return scopeTargets.get(subject) ?? null;
    const client = directory.get(id);
    return client.webhookUrl ? { url: client.webhookUrl, format: client.webhookFormat, secret: client.webhookSecret } : null;
  };
  const report = (what: string) => (err: unknown) => ctx.log.write(`billing: ${what} failed: ${err instanceof Error ? err.message : String(err)}\n`);
  const claimer = workClaimer(ctx.store);
  const alerter = new Alerter(ctx.store, ctx.now, policy, targetFor, report, (reason) => ctx.metrics.alertsSuppressed.inc({ reason }), undefined, (key) => claimer.claim(key));
  const monitor = new SpendMonitor(ctx.store, directory, alerter, ctx.now, alerts);
  const scoped = new ScopedBudgetMonitor(ctx.store, scopes, alerter, ctx.now);
  // Forgetting an id only means listing it again (idempotent; configured ids are never written here).
  const listed = new RecentIds(LISTED_IDS + directory.configured().length);
  const background = new Set<Promise<unknown>>();
  // Spend this process did not see (other replicas behind the load balancer, `tokenledger
  // reprice` run elsewhere) reaches the in-memory budgets within this interval; one refresh at a
  // time, backing off while ClickHouse is failing or slow (a failed one keeps the previous figures).
  const refresh = new BackgroundTask({
    intervalMs: REFRESH_MS,
    maxBackoffMs: MAX_REFRESH_BACKOFF_MS,
    slowMs: REFRESH_MS / 2,
    run: async () => {
      await monitor.reload();
      await scoped.reload();
    },
    onOutcome(outcome, err) {
      ctx.metrics.refreshes.inc({ task: 'budget_refresh', result: outcome });
      if (err) report(`budget refresh (next in ${Math.round(refresh.currentDelayMs / 1000)} s)`)(err);
    },
  });

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
    // A failed insert is said, and the ids forgotten so that their next call lists them again.
    const forget = (err: unknown) => {
      unconfigured.forEach((c) => listed.delete(c.id));
      report(`listing ${unconfigured.length} new client(s)`)(err);
    };
    track(insertClients(ctx.store, unconfigured, ctx.now()).catch(forget));
  };

  return {
    routes: billingRoutes({ store: ctx.store, directory, monitor, scoped, now: ctx.now, invoiceExtra: providerInvoiceGroups(ctx.store, ctx.pricer, ctx.config) }),
    async start() {
      const others = await syncClients(ctx.store, directory, ctx.now());
      [...others, ...directory.configured().map((c) => c.id)].forEach((id) => listed.add(id));
      await monitor.load();
      await scoped.reload();
      refresh.start();
    },
    onStored(rows) {
      monitor.observe(rows);
      scoped.observe(rows);
      listNewClients(rows);
    },
    // Settle marked repeats or moved calls to a client: spend figures are read again from the
    // deduplicated calls (a failed reload keeps the previous figures until the next one).
    onRewritten() {
      refresh.request();
    },
    idle: async () => {
      await Promise.all([...background]);
      await refresh.idle();
      await alerter.idle();
    },
    async close() {
      await refresh.close();
      await Promise.all([...background]);
      await alerter.idle();
    },
  };
}

export const billingPlugin: ReceiverPlugin = { name: 'billing', create: createBilling };
