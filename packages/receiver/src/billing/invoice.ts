import { divRoundHalfUp, formatCents, formatScaled, formatUsd, markupNanos, roundToCents } from '@tokenledger/pricing';
import type { BillingPeriod } from './billing-period.js';
import type { ClientBilling } from './client-billing.js';
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
  currency: 'USD';
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
export function invoiceTotals(groups: readonly UsageGroup[], markupPct: number): InvoiceTotals {
  const billed = groups.filter((g) => g.priced && g.metered);
  const baseCents = billed.reduce((sum, g) => sum + roundToCents(g.cost_nanos), 0n);
  const exactBase = billed.reduce((sum, g) => sum + g.cost_nanos, 0n);
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
  return {
    client: client.id,
    client_name: client.name,
    period: period.label,
    period_start: period.start.toISOString(),
    period_end: period.end.toISOString(),
    currency: 'USD',
    lines: groups
      .filter((g) => g.priced && g.metered)
      .map((g) => ({ provider: g.provider, model: g.model, ...counts(g), cost_usd: formatCents(roundToCents(g.cost_nanos)), exact_cost_usd: formatUsd(g.cost_nanos) })),
    unpriced: groups.filter((g) => !g.priced && g.metered).map((g) => ({ provider: g.provider, model: g.model, ...counts(g) })),
    unmetered: unmeteredLines(groups),
    base_cost_usd: formatCents(totals.baseCents),
    markup_pct: client.markupPct,
    markup_usd: formatCents(totals.markupCents),
    total_usd: formatCents(totals.totalCents),
    previous_period: previous.period.label,
    previous_period_total_usd: formatCents(previousTotals.totalCents),
    change_pct: changePct(totals.totalCents, previousTotals.totalCents),
  };
}
