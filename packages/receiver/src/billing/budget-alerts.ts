import { divRoundHalfUp, formatCents, formatScaled, roundToCents } from '@tokenledger/pricing';
import type { Alert } from './alert.js';
import type { ClientBilling } from './client-billing.js';

export const usd = (nanos: bigint) => `$${formatCents(roundToCents(nanos))}`;

/** Thresholds (percent of budget) that `spent` has reached: spent x 100 >= budget x threshold, exactly. */
export function reachedThresholds(spent: bigint, budget: bigint | null, thresholds: readonly number[]): number[] {
  if (budget === null || budget <= 0n) return [];
  return thresholds.filter((t) => spent * 100n >= budget * BigInt(t));
}

export function budgetAlert(client: ClientBilling, period: string, threshold: number, spent: bigint): Alert {
  const budget = client.budgetNanos ?? 0n;
  const used = formatScaled(divRoundHalfUp(spent * 10_000n, budget), 2);
  const verb = threshold >= 100 ? 'has exceeded' : 'has reached';
  return {
    kind: 'budget',
    client: client.id,
    client_name: client.name,
    period,
    threshold,
    subject: '',
    spent_nanos: spent,
    budget_nanos: budget,
    message: `${client.name} (${client.id}) ${verb} ${threshold}% of its ${period} budget: ${usd(spent)} of ${usd(budget)} spent (${used}%)${client.hardCap && threshold >= 100 ? '; hard cap on, new calls are refused' : ''}.`,
    details: { used_pct: used, hard_cap: client.hardCap ? 1 : 0 },
  };
}

export function unpricedAlert(client: ClientBilling, period: string, provider: string, model: string): Alert {
  return {
    kind: 'unpriced',
    client: client.id,
    client_name: client.name,
    period,
    threshold: 0,
    subject: `${provider}/${model}`,
    spent_nanos: 0n,
    budget_nanos: client.budgetNanos,
    message: `${client.name} (${client.id}) used ${provider}/${model}, which has no price: its calls in ${period} are listed as unpriced until a price override is added and they are repriced.`,
    details: { provider, model },
  };
}

/** Client id of the one alert that stands for every id not in the config (`clients` lists them). */
const UNCONFIGURED_CLIENTS = '*';

/** Unpriced usage of ids not in the config: one alert per period for all of them, naming the first seen. */
export function unconfiguredUnpricedAlert(period: string, firstClient: string, provider: string, model: string): Alert {
  return {
    kind: 'unpriced',
    client: UNCONFIGURED_CLIENTS,
    client_name: 'clients not in the config',
    period,
    threshold: 0,
    subject: '',
    spent_nanos: 0n,
    budget_nanos: null,
    message: `Clients not in the config used models without a price in ${period} (first: ${firstClient} with ${provider}/${model}): their calls are listed as unpriced until a price override is added and they are repriced.`,
    details: { first_client: firstClient, provider, model },
  };
}

export function spikeAlert(client: ClientBilling, period: string, day: string, today: bigint, average: bigint, factor: number): Alert {
  return {
    kind: 'spike',
    client: client.id,
    client_name: client.name,
    period,
    threshold: 0,
    subject: day,
    spent_nanos: today,
    budget_nanos: client.budgetNanos,
    message: `${client.name} (${client.id}) spent ${usd(today)} on ${day}, more than ${factor}x its trailing 7-day daily average of ${usd(average)}.`,
    details: { day, today_usd: formatCents(roundToCents(today)), average_usd: formatCents(roundToCents(average)), factor },
  };
}
