import { priceOverrideSchema } from '@tokenledger/pricing';
import { z } from 'zod';
import { reconcileConfigSchema } from '../reconcile/reconcile-config.js';
import { limitsSchema, MAX_SPAN_AGE_DAYS } from '../normalize/plausibility.js';
import { atMostDecimals, crossFieldRules, MAX_BUDGET_USD } from './config-rules.js';
import { planRules, planSchema } from '../billing/plan-schema.js';
import { budgetScopeSchema, scopeKey } from './budget-scope.js';

/** A client id as it appears in tokenledger.client.id: printable, no separators that break tokens or paths. */
const clientId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'letters, digits and . _ : @ - only');

const clientSchema = z
  .object({
    id: clientId,
    name: z.string().min(1).max(200).optional(),
    markup_pct: z.number().min(0).max(1000).refine(...atMostDecimals(6)).default(0),
    monthly_budget_usd: z.number().positive().max(MAX_BUDGET_USD).refine(...atMostDecimals(9)).optional(),
    alert_thresholds_pct: z.array(z.number().int().positive().max(1000)).default([50, 80, 100]),
    hard_cap: z.boolean().default(false),
    webhook_url: z.url().optional(),
    // Billing options (docs/billing.md). No defaults here: the billing module fills them in, so
    // a parsed client keeps only what was written.
    /** Day of the month a billing period starts (UTC); 1 = calendar months. */
    period_start_day: z.number().int().min(1).max(28).optional(),
    /** `slack` posts {"text": ...}; `json` (default) posts the generic alert object. */
    webhook_format: z.enum(['slack', 'json']).optional(),
    /** HMAC-SHA256 key for X-TokenLedger-Signature; falls back to alerts.webhook_secret, then TOKENLEDGER_WEBHOOK_SECRET. */
    webhook_secret: z.string().min(1).optional(),
    /** Spend-spike alert factor for this client (overrides alerts.spike_factor; 0 switches it off). */
    spike_factor: z.number().min(0).max(1000).optional(),
    /** Invoice in another currency at a fixed rate: `usd_rate` units of `code` per 1 USD (up to 6 decimals). */
    invoice_currency: z
      .object({
        code: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
        usd_rate: z.number().positive().max(1_000_000).refine((r) => /^\d+(\.\d{1,6})?$/.test(String(r)), 'a rate with at most 6 decimals'),
      })
      .strict()
      .optional(),
    /** Bill days and models with no tracked calls from the provider's imported usage report (docs/reconciliation.md). */
    invoice_from_provider_usage: z.boolean().optional(),
    /** How the client is billed (docs/billing.md "Plans"); without it, cost plus markup_pct. */
    plan: planSchema.optional(),
  })
  .strict();

/** A budget on a scope beyond one client (docs/budgets.md): the budget fields a client takes. */
const scopedBudgetSchema = clientSchema
  .pick({ monthly_budget_usd: true, alert_thresholds_pct: true, hard_cap: true, webhook_url: true, period_start_day: true, webhook_format: true, webhook_secret: true })
  .extend({ scope: budgetScopeSchema(clientId), name: z.string().min(1).max(200).optional(), monthly_budget_usd: clientSchema.shape.monthly_budget_usd.unwrap() })
  .strict();

const alertsSchema = z
  .object({
    webhook_secret: z.string().min(1).optional(),
    /** Today's spend above factor x the trailing 7-day daily average fires a spike alert (0 = off). */
    spike_factor: z.number().min(0).max(1000).optional(),
    /** No spike alert while today's spend is below this many USD (quiet clients are noisy in ratio). */
    spike_min_usd: z.number().min(0).max(MAX_BUDGET_USD).refine(...atMostDecimals(9)).optional(),
    /** Webhook delivery attempts (first try included) and the first backoff delay. */
    retry_attempts: z.number().int().min(1).max(20).optional(),
    retry_base_ms: z.number().int().min(1).max(600_000).optional(),
  })
  .strict();

const pricingSchema = z
  .object({
    // The pricing package owns the shape of an override (snake_case, as written in YAML).
    overrides: z.array(priceOverrideSchema).default([]),
    /** Azure OpenAI deployment name -> catalog model id. */
    azure_deployments: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const attributionSchema = z
  .object({
    /** Attribute keys read as the client id after tokenledger.client.id (span first, then resource). */
    client_keys: z.array(z.string().min(1).max(256)).default([]),
  })
  .strict();

/** The settle stage (docs/normalization.md "Settle"): client inheritance and repeat detection after insert. */
const settleSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** How often `serve` runs it. */
    interval_seconds: z.number().int().min(1).max(86_400).default(30),
    /** Traces that got a span within this many minutes are settled again: the latest a parent may arrive. */
    window_minutes: z.number().int().min(1).max(10_080).default(60),
    /** Days of span_links kept (whole days dropped); must cover the window. */
    link_retention_days: z.number().int().min(1).max(365).default(3),
    /** Receivers sharing a database take turns per slot of this many seconds; a run must end within half. */
    lease_seconds: z.number().int().min(4).max(3_600).default(60),
  })
  .strict();

export type SettleConfig = z.infer<typeof settleSchema>;

/** How requests are stored (docs/receiver.md "Journal"). */
const ingestSchema = z
  .object({
    /**
     * From this many OTLP requests in flight on average over the last second (their rate times the
     * time each took, arrival to answer: near 1 for a sender that always waits on an answer), answers
     * come once a request is in the write-ahead journal; 0 = always wait for llm_calls. Receivers
     * sharing a database should share this setting: one at 0 does not look up the others' entries.
     */
    journal_min_in_flight: z.number().min(0).max(10_000).default(0.5),
    /** Days of journal kept (whole days dropped); an entry is replayed within minutes. */
    journal_retention_days: z.number().int().min(1).max(365).default(2),
  })
  .strict();

/** White label of the portal (docs/portal.md). */
const portalSchema = z
  .object({
    /** The page heading and window title. */
    title: z.string().min(1).max(120).default('TokenLedger'),
    logo_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
    /** Bars, gauge and buttons; a #rrggbb color (button text is black or white, whichever reads better). */
    accent_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a color written #rrggbb').default('#2563eb'),
  })
  .strict();

export type PortalConfig = z.infer<typeof portalSchema>;

/** tokenledger.yaml, as written by people: snake_case, unknown keys are errors. */
export const fileConfigSchema = z
  .object({
    clients: z.array(clientSchema).default([]),
    budgets: z.array(scopedBudgetSchema).default([]),
    pricing: pricingSchema.default({ overrides: [], azure_deployments: {} }),
    attribution: attributionSchema.default({ client_keys: [] }),
    settle: settleSchema.default({ enabled: true, interval_seconds: 30, window_minutes: 60, link_retention_days: 3, lease_seconds: 60 }),
    ingest: ingestSchema.default({ journal_min_in_flight: 0.5, journal_retention_days: 2 }),
    retention_days: z.number().int().min(1).max(36500).default(400),
    alerts: alertsSchema.optional(),
    reconcile: reconcileConfigSchema.optional(),
    /** What a span may claim (docs/receiver.md "Limits on what a span may claim"). */
    limits: limitsSchema.default(limitsSchema.parse({})),
    portal: portalSchema.default({ title: 'TokenLedger', accent_color: '#2563eb' }),
    /** `tokenledger gateway` reads and validates this section (@tokenledger/gateway); serve ignores it. */
    gateway: z.unknown().optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    crossFieldRules(cfg, ctx);
    const seen = new Set<string>();
    cfg.clients.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['clients', i, 'id'], message: `duplicate client id "${c.id}"` });
      seen.add(c.id);
      planRules(c, ['clients', i], ctx);
    });
    const scopes = new Set<string>();
    cfg.budgets.forEach((b, i) => {
      const key = scopeKey(b.scope);
      if (scopes.has(key)) ctx.addIssue({ code: 'custom', path: ['budgets', i, 'scope'], message: `duplicate scope ${key}: one budget per scope` });
      scopes.add(key);
      const scope = b.scope;
      const own = scope !== 'account' && Object.keys(scope).length === 1 ? cfg.clients.find((c) => c.id === scope.client && c.monthly_budget_usd !== undefined) : undefined;
      if (own) ctx.addIssue({ code: 'custom', path: ['budgets', i, 'scope'], message: `client "${own.id}" already has a budget (clients[].monthly_budget_usd): one budget per scope` });
    });
  })
  .transform((cfg) => ({ ...cfg, limits: { ...cfg.limits, max_span_age_days: cfg.limits.max_span_age_days ?? Math.min(cfg.retention_days, MAX_SPAN_AGE_DAYS) } }));

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type ClientConfig = FileConfig['clients'][number];
export type AlertsConfig = z.infer<typeof alertsSchema>;
export type ScopedBudgetConfig = FileConfig['budgets'][number];

const tokenList = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean));

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only');

/** The environment the CLI reads; nothing else in the codebase touches process.env. */
export const envSchema = z.object({
  CLICKHOUSE_URL: z.url().default('http://127.0.0.1:8123'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: identifier.default('tokenledger'),
  CLICKHOUSE_CLUSTER: identifier.optional(),
  CLICKHOUSE_CLUSTER_REPLICAS: identifier.optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(4318),
  TOKENLEDGER_LISTEN_HOST: z.string().optional(),
  TOKENLEDGER_CONFIG: z.string().optional(),
  TOKENLEDGER_INGEST_TOKENS: tokenList,
  TOKENLEDGER_API_TOKENS: tokenList,
  TOKENLEDGER_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  TOKENLEDGER_WEBHOOK_SECRET: z.string().min(1).optional(),
});

export type EnvConfig = z.infer<typeof envSchema>;

export interface ApiToken {
  token: string;
  /** Set when the token is scoped to one client (`client-id=token`). */
  clientId: string | null;
}

export interface ClickHouseConfig {
  url: string;
  username: string;
  password: string;
  database: string;
  /** When set, DDL runs ON CLUSTER with Replicated engines (see migrations/engines.ts). */
  cluster: string | null;
  /** A cluster listing every replica as its own shard: reads of what another receiver just wrote (clickhouse/fresh-reads.ts). */
  replicasCluster?: string | null;
}

/** The one configuration value, built once at start and passed down. */
export interface AppConfig {
  clickhouse: ClickHouseConfig;
  server: {
    port: number;
    host: string;
    ingestTokens: string[];
    apiTokens: ApiToken[];
  };
  logLevel: EnvConfig['TOKENLEDGER_LOG_LEVEL'];
  configPath: string | null;
  file: FileConfig;
  /** TOKENLEDGER_WEBHOOK_SECRET: signs alert webhooks when the config file names no secret. */
  webhookSecret?: string;
  /** Admin keys of reconcile.sources, by the variable each names (never logged or stored). */
  adminKeys?: Record<string, string>;
}
