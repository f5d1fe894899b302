import { parseScaled, usdToNanos } from '@tokenledger/pricing';
import { clientPlan, costPlusMarkupPct, type ClientPlan } from './client-plan.js';
import { USD, type InvoiceCurrency } from './invoice-currency.js';
import type { AppConfig, ClientConfig } from '../config/config-schema.js';

/** Everything billing needs to know about one client, defaults filled in (docs/billing.md). */
export interface ClientBilling {
  id: string;
  name: string;
  /** false for an id seen only in traffic: billed at no markup, no budget. */
  inConfig: boolean;
  plan: ClientPlan;
  /** The cost-plus markup (the plan's, else markup_pct); 0 under a retainer or per-unit plan. */
  markupPct: number;
  markupBp: number;
  budgetNanos: bigint | null;
  thresholds: number[];
  hardCap: boolean;
  periodStartDay: number;
  webhookUrl: string | null;
  webhookFormat: 'slack' | 'json';
  webhookSecret: string | null;
  spikeFactor: number;
  currency: InvoiceCurrency;
}

export const DEFAULT_SPIKE_FACTOR = 3;

function fromConfig(c: ClientConfig, config: AppConfig): ClientBilling {
  const alerts = config.file.alerts;
  const plan = clientPlan(c.plan, c.markup_pct);
  const markupPct = costPlusMarkupPct(plan);
  return {
    id: c.id,
    name: c.name ?? c.id,
    inConfig: true,
    plan,
    markupPct,
    // Basis points only for the clients table; invoices use the configured percentage exactly.
    markupBp: Math.round(markupPct * 100),
    budgetNanos: c.monthly_budget_usd === undefined ? null : usdToNanos(c.monthly_budget_usd),
    thresholds: [...new Set(c.alert_thresholds_pct)].sort((a, b) => a - b),
    hardCap: c.hard_cap,
    periodStartDay: c.period_start_day ?? 1,
    webhookUrl: c.webhook_url ?? null,
    webhookFormat: c.webhook_format ?? 'json',
    webhookSecret: c.webhook_secret ?? alerts?.webhook_secret ?? config.webhookSecret ?? null,
    spikeFactor: c.spike_factor ?? alerts?.spike_factor ?? DEFAULT_SPIKE_FACTOR,
    currency: c.invoice_currency ? { code: c.invoice_currency.code, rateMicros: parseScaled(String(c.invoice_currency.usd_rate), 6, 'exact') } : USD,
  };
}

function discovered(id: string): ClientBilling {
  return {
    id,
    name: id,
    inConfig: false,
    plan: { type: 'cost_plus', markupPct: 0 },
    markupPct: 0,
    markupBp: 0,
    budgetNanos: null,
    thresholds: [],
    hardCap: false,
    periodStartDay: 1,
    webhookUrl: null,
    webhookFormat: 'json',
    webhookSecret: null,
    spikeFactor: 0,
    currency: USD,
  };
}

/** Looks clients up by id; an id missing from the config gets the no-markup, no-budget defaults. */
export class ClientDirectory {
  private readonly byId: Map<string, ClientBilling>;

  constructor(config: AppConfig) {
    this.byId = new Map(config.file.clients.map((c) => [c.id, fromConfig(c, config)]));
  }

  get(id: string): ClientBilling {
    return this.byId.get(id) ?? discovered(id);
  }

  configured(): ClientBilling[] {
    return [...this.byId.values()];
  }

  startDays(): number[] {
    return [...new Set([1, ...this.configured().map((c) => c.periodStartDay)])];
  }
}
