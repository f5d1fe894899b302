import { divRoundHalfUp, formatCents, formatScaled, formatUsd, markupNanos, roundToCents } from '@tokenledger/pricing';
import type { BillingPeriod } from './billing-period.js';
import type { ClientBilling } from './client-billing.js';
import { convertNanos, formatRate, USD, type InvoiceCurrency } from './invoice-currency.js';
import type { UsageGroup } from './invoice-usage.js';
import type { TokenCounts } from '../store/llm-calls.js';

export type { TokenCounts };

export interface InvoiceLine extends TokenCounts {
  provider: string;
  model: string;
  /** Rounded half-up to cents on its own. */
  cost_usd: string;
  /** The exact cost before rounding, for audit. */
  exact_cost_usd: string;
  /** In the invoice currency: the exact cost converted, then rounded half-up to cents. */
  amount: string;
  /** Only on lines billed from the provider's usage report (no calls were tracked for them). */
  source?: 'provider_report';
}

export interface UnpricedLine extends TokenCounts {
  provider: string;
  model: string;
}

export interface Invoice {
  client: string;
  client_name: string;
  period: string;
  period_start: string;
  period_end: string;
  /** The currency of `amount`, `base_cost`, `markup`, `total` and `previous_period_total` (USD unless configured). */
  currency: string;
  /** Units of `currency` per 1 USD, fixed in tokenledger.yaml ("1.000000" for USD). */
  exchange_rate: string;
  lines: InvoiceLine[];
  unpriced: UnpricedLine[];
  unmetered: Array<{ provider: string; model: string; calls: number }>;
  base_cost_usd: string;
  markup_pct: number;
  markup_usd: string;
  total_usd: string;
  previous_period: string;
  previous_period_total_usd: string;
  /** (total - previous) / previous in percent, 2 decimals; null when the previous total is 0. */
  change_pct: string | null;
  base_cost: string;
  markup: string;
  total: string;
  previous_period_total: string;
}

/** Exact figures of one period, before formatting. */
export interface InvoiceTotals {
  baseCents: bigint;
  markupCents: bigint;
  totalCents: bigint;
}

const counts = (g: UsageGroup): TokenCounts => ({
  calls: g.calls,
  input_tokens: g.input_tokens,
  cached_input_tokens: g.cached_input_tokens,
  cache_write_tokens: g.cache_write_tokens,
  output_tokens: g.output_tokens,
  reasoning_tokens: g.reasoning_tokens,
});

/**
 * design.md "Money": every line is rounded half-up to cents on its own and the total is the sum
 * of the rounded lines; the markup line is the markup on the exact base, rounded once.
 */
export function invoiceTotals(groups: readonly UsageGroup[], markupPct: number, currency: InvoiceCurrency = USD): InvoiceTotals {
  const billed = groups.filter((g) => g.priced && g.metered).map((g) => convertNanos(g.cost_nanos, currency));
  const baseCents = billed.reduce((sum, nanos) => sum + roundToCents(nanos), 0n);
  const exactBase = billed.reduce((sum, nanos) => sum + nanos, 0n);
  const markupCents = roundToCents(markupNanos(exactBase, markupPct));
  return { baseCents, markupCents, totalCents: baseCents + markupCents };
}

export function changePct(current: bigint, previous: bigint): string | null {
  if (previous === 0n) return null;
  return formatScaled(divRoundHalfUp((current - previous) * 10_000n, previous), 2);
}

/** A span without usage may or may not have found a price; either way it is one unmetered line per model. */
function unmeteredLines(groups: readonly UsageGroup[]): Invoice['unmetered'] {
  const byModel = new Map<string, Invoice['unmetered'][number]>();
  for (const g of groups.filter((x) => !x.metered)) {
    const key = `${g.provider}\u0000${g.model}`;
    const line = byModel.get(key) ?? { provider: g.provider, model: g.model, calls: 0 };
    line.calls += g.calls;
    byModel.set(key, line);
  }
  return [...byModel.values()];
}

export interface InvoiceInput {
  client: ClientBilling;
  period: BillingPeriod;
  groups: readonly UsageGroup[];
  previous: { period: BillingPeriod; groups: readonly UsageGroup[] };
}

export function buildInvoice({ client, period, groups, previous }: InvoiceInput): Invoice {
  const totals = invoiceTotals(groups, client.markupPct);
  const previousTotals = invoiceTotals(previous.groups, client.markupPct);
  const local = invoiceTotals(groups, client.markupPct, client.currency);
  const previousLocal = invoiceTotals(previous.groups, client.markupPct, client.currency);
  return {
    client: client.id,
    client_name: client.name,
    period: period.label,
    period_start: period.start.toISOString(),
    period_end: period.end.toISOString(),
    currency: client.currency.code,
    exchange_rate: formatRate(client.currency),
    lines: groups.filter((g) => g.priced && g.metered).map((g) => ({
      provider: g.provider,
      model: g.model,
      ...counts(g),
      cost_usd: formatCents(roundToCents(g.cost_nanos)),
      exact_cost_usd: formatUsd(g.cost_nanos),
      amount: formatCents(roundToCents(convertNanos(g.cost_nanos, client.currency))),
      ...(g.source ? { source: g.source } : {}),
    })),
    unpriced: groups.filter((g) => !g.priced && g.metered).map((g) => ({ provider: g.provider, model: g.model, ...counts(g) })),
    unmetered: unmeteredLines(groups),
    base_cost_usd: formatCents(totals.baseCents),
    markup_pct: client.markupPct,
    markup_usd: formatCents(totals.markupCents),
    total_usd: formatCents(totals.totalCents),
    previous_period: previous.period.label,
    previous_period_total_usd: formatCents(previousTotals.totalCents),
    change_pct: changePct(totals.totalCents, previousTotals.totalCents),
    base_cost: formatCents(local.baseCents),
    markup: formatCents(local.markupCents),
    total: formatCents(local.totalCents),
    previous_period_total: formatCents(previousLocal.totalCents),
  };
}
