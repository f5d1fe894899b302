import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Hono } from 'hono';
import { Alerter } from '../billing/alerter.js';
import { DEFAULT_RETRY, type WebhookTarget } from '../billing/webhook-delivery.js';
import { ForbiddenError, type AuthVariables } from '../http/auth.js';
import { parseQuery } from '../reports/report-routes.js';
import { dayText } from '../rows/date-time-text.js';
import type { PluginContext, PluginInstance, ReceiverPlugin } from '../server/receiver.js';
import { driftAlerts } from './drift-alerts.js';
import type { FetchPolicy } from './admin-fetch.js';
import { reconcileConfigSchema, type ReconcileConfig } from './reconcile-config.js';
import { acquireReconcileLease, type ReconcileLease } from './reconcile-lease.js';
import { reconciliationReport, reconcileQuerySchema } from './reconciliation-report.js';
import { importFromApis, type ImportSummary } from './run-import.js';

const DAY_MS = 86_400_000;

export interface ReconcileInstance extends PluginInstance {
  /** One scheduled run now (what the timer does): import the lookback days, then fire drift alerts. Null when another receiver holds the slot. */
  runOnce(): Promise<ImportSummary | null>;
  /** Resolves when every drift alert claimed so far is recorded and delivered (or failed). */
  idle(): Promise<void>;
}

/** Options for tests: a faster admin API policy and lease. */
export interface ReconcilePluginOptions {
  policy?: FetchPolicy;
  claimDelayMs?: number;
  /** The lease slot (default: the schedule period). */
  leaseSeconds?: number;
}

function webhookTarget(ctx: PluginContext, config: ReconcileConfig): WebhookTarget | null {
  if (!config.webhook_url) return null;
  return { url: config.webhook_url, format: config.webhook_format ?? 'json', secret: ctx.config.file.alerts?.webhook_secret ?? ctx.config.webhookSecret ?? null };
}

/** GET /api/v1/reconciliation and, when configured, the scheduled import with drift alerts (docs/reconciliation.md). */
export function createReconcile(ctx: PluginContext, options: ReconcilePluginOptions = {}): ReconcileInstance {
  const config = ctx.config.file.reconcile ?? reconcileConfigSchema.parse({});
  const alerts = ctx.config.file.alerts;
  const policy = { ...DEFAULT_RETRY, attempts: alerts?.retry_attempts ?? DEFAULT_RETRY.attempts, baseMs: alerts?.retry_base_ms ?? DEFAULT_RETRY.baseMs };
  const report = (what: string) => (err: unknown) => ctx.log.write(`reconcile: ${what} failed: ${err instanceof Error ? err.message : String(err)}\n`);
  const alerter = new Alerter(ctx.store, ctx.now, policy, () => webhookTarget(ctx, config), report);
  const lease: ReconcileLease = { holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, seconds: options.leaseSeconds ?? config.schedule_minutes * 60, claimDelayMs: options.claimDelayMs ?? 1_000 };

  const routes = new Hono<{ Variables: AuthVariables }>();
  routes.get('/reconciliation', async (c) => {
    // The provider's bill is the whole organisation's: not for a token scoped to one client.
    if (c.get('scopeClient') !== null) throw new ForbiddenError('reconciliation covers every client: a client-scoped token may not read it');
    const query = parseQuery(reconcileQuerySchema, c.req.query());
    return c.json(await reconciliationReport(ctx.store, ctx.pricer, query, config.tolerance_pct));
  });

  const runOnce = async (): Promise<ImportSummary | null> => {
    if (!(await acquireReconcileLease(ctx.store, lease))) return null;
    const now = ctx.now();
    const today = new Date(`${dayText(now)}T00:00:00Z`);
    const range = { from: new Date(today.getTime() - config.lookback_days * DAY_MS), to: new Date(today.getTime() + DAY_MS) };
    const summary = await importFromApis({ store: ctx.store, pricer: ctx.pricer, now }, { config, adminKeys: ctx.config.adminKeys ?? {}, range, ...(options.policy ? { policy: options.policy } : {}) });
    await alerter.load(); // claims another receiver made in an earlier slot
    const days = await reconciliationReport(ctx.store, ctx.pricer, { from: range.from, to: today, group_by: ['day', 'provider'] }, config.tolerance_pct);
    for (const alert of driftAlerts(days, dayText(now), config.tolerance_pct)) if (!alerter.has(alert)) alerter.fire(alert);
    return summary;
  };

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = runOnce()
      .catch((err: unknown) => ctx.log.write(`reconcile: scheduled import failed, the next one retries: ${err instanceof Error ? err.message : String(err)}\n`))
      .finally(() => (running = null));
  };
  return {
    routes: routes as unknown as Hono,
    runOnce,
    idle: () => alerter.idle(),
    async start() {
      if (config.schedule_minutes === 0 || config.sources.length === 0) return;
      const pending = await alerter.load();
      alerter.resend(pending.filter((r) => r.kind === 'drift'));
      timer = setInterval(tick, config.schedule_minutes * 60_000);
      timer.unref();
      tick();
    },
    async close() {
      if (timer) clearInterval(timer);
      await running;
      await alerter.idle();
    },
  };
}

export const reconcilePlugin: ReceiverPlugin = { name: 'reconcile', create: (ctx) => createReconcile(ctx) };
