import { usdToNanos } from '@tokenledger/pricing';
import type { StoreClient } from '../clickhouse/store-client.js';
import type { AlertsConfig } from '../config/config-schema.js';
import type { StoredCall } from '../store/llm-calls.js';
import type { Alerter } from './alerter.js';
import { periodAt, rowInstant, type BillingPeriod } from './billing-period.js';
import { budgetAlert, reachedThresholds, spikeAlert, unconfiguredUnpricedAlert, unpricedAlert } from './budget-alerts.js';
import type { ClientBilling, ClientDirectory } from './client-billing.js';
import { dayText } from '../rows/date-time-text.js';
import { DailySpend } from './daily-spend.js';
import { SpendLedger, spendOf } from './spend-ledger.js';

/** Midnight UTC of a 'YYYY-MM-DD' day. */
const dayStart = (day: string) => new Date(`${day}T00:00:00Z`);

/**
 * Keeps each client's period spend and daily spend in memory from stored calls, and fires the
 * budget, spike and unpriced-model alerts. Everything in `observe` is synchronous, so two
 * flushes finishing together cannot both see a threshold as not yet fired.
 */
export class SpendMonitor {
  readonly ledger: SpendLedger;
  private readonly daily: DailySpend;
  private readonly spikeMinNanos: bigint;

  constructor(
    private readonly store: StoreClient,
    private readonly directory: ClientDirectory,
    private readonly alerter: Alerter,
    private readonly now: () => Date,
    alerts: AlertsConfig | undefined,
  ) {
    const configured = (id: string) => directory.get(id).inConfig;
    this.ledger = new SpendLedger(now(), now, configured);
    this.daily = new DailySpend((id) => configured(id) && directory.get(id).spikeFactor > 0);
    this.spikeMinNanos = usdToNanos(alerts?.spike_min_usd ?? 0);
  }

  /** Loads the current period of every start day, the last 8 days, and what fired before. */
  async load(): Promise<void> {
    await this.reload();
    this.alerter.resend(await this.alerter.load());
    // Thresholds crossed while no receiver ran (or whose claim was lost) fire now.
    for (const client of this.directory.configured()) this.checkClient(client);
  }

  /** Reads the spend figures again from ClickHouse, after stored calls were rewritten. */
  async reload(): Promise<void> {
    const now = this.now();
    for (const day of this.directory.startDays()) {
      await this.ledger.load(this.store, day, periodAt(now, day), (id) => this.directory.get(id).periodStartDay === day);
    }
    await this.daily.load(this.store, now);
  }

  /**
   * The spend of a client's period: from memory when tracked; a window never loaded is loaded
   * whole (it then stays tracked); any other case (a past period, an id the ledger has no room
   * for) is one query for that client alone.
   */
  async spent(client: ClientBilling, period: BillingPeriod): Promise<bigint> {
    const known = this.ledger.get(client.id, client.periodStartDay, period);
    if (known !== undefined) return known;
    const day = client.periodStartDay;
    if (periodAt(this.now(), day).label === period.label && !this.ledger.knows(day, period)) {
      await this.ledger.load(this.store, day, period, (id) => this.directory.get(id).periodStartDay === day);
      const loaded = this.ledger.get(client.id, day, period);
      if (loaded !== undefined) return loaded;
    }
    return spendOf(this.store, client.id, period);
  }

  observe(rows: readonly StoredCall[]): void {
    // Summed per client and UTC day first: periods start at UTC midnight, so the day decides the
    // period, and a batch of thousands of calls touches only a few (client, day) pairs.
    const byClient = new Map<string, Map<string, bigint>>();
    for (const row of rows) {
      const day = row.timestamp.slice(0, 10);
      const days = byClient.get(row.client_id) ?? new Map<string, bigint>();
      days.set(day, (days.get(day) ?? 0n) + BigInt(row.cost_nanos));
      byClient.set(row.client_id, days);
      if (row.metered === 1 && row.priced === 0 && row.client_id !== '') this.unpriced(row);
    }
    for (const [id, days] of byClient) {
      const client = this.directory.get(id);
      for (const [day, cost] of days) {
        this.ledger.add(client.id, client.periodStartDay, periodAt(dayStart(day), client.periodStartDay), cost);
        this.daily.add(client.id, day, cost, this.now());
      }
    }
    for (const id of byClient.keys()) this.checkClient(this.directory.get(id));
  }

  /**
   * One alert per configured client, period and model (the Alerter caps the models per client);
   * ids seen only in traffic share one alert per period, so random client and model names in
   * spans cannot turn into one alert row each (issue #13 item 5).
   */
  private unpriced(row: StoredCall): void {
    const client = this.directory.get(row.client_id);
    const period = periodAt(rowInstant(row.timestamp), client.periodStartDay).label;
    const model = row.response_model || row.request_model;
    const alert = client.inConfig ? unpricedAlert(client, period, row.provider, model) : unconfiguredUnpricedAlert(period, client.id, row.provider, model);
    if (!this.alerter.has(alert)) this.alerter.fire(alert);
  }

  private checkClient(client: ClientBilling): void {
    const now = this.now();
    const period = periodAt(now, client.periodStartDay);
    const spent = this.ledger.get(client.id, client.periodStartDay, period);
    if (spent !== undefined) {
      for (const t of reachedThresholds(spent, client.budgetNanos, client.thresholds)) {
        const key = { client: client.id, period: period.label, kind: 'budget' as const, threshold: t, subject: '' };
        if (!this.alerter.has(key)) this.alerter.fire(budgetAlert(client, period.label, t, spent));
      }
    }
    const spike = this.daily.spike(client.id, now, client.spikeFactor, this.spikeMinNanos);
    if (spike) {
      const key = { client: client.id, period: period.label, kind: 'spike' as const, threshold: 0, subject: dayText(now) };
      if (!this.alerter.has(key)) this.alerter.fire(spikeAlert(client, period.label, dayText(now), spike.today, spike.average, client.spikeFactor));
    }
  }
}
