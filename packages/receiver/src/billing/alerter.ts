import type { StoreClient } from '../clickhouse/store-client.js';
import { dateTimeText } from '../store/llm-calls.js';
import { alertBody, alertId, type Alert } from './alert.js';
import { claimWindow, ClaimedAlerts } from './alert-claims.js';
import { readAlertRecords, writeAlertRecord, writeAlertRecords, type AlertRecord } from './alert-records.js';
import { deliverWebhook, type RetryPolicy, type WebhookTarget } from './webhook-delivery.js';
import { redactWebhookUrl } from './webhook-url-redact.js';

/** What decides an alert's webhook. */
export type AlertTarget = Pick<Alert, 'client' | 'subject'> & { kind: string };

type Claim = { record: Omit<AlertRecord, 'version' | 'updated_at'>; target: WebhookTarget | null };

/** Why an alert was not fired although it was new (counted in tokenledger_alerts_suppressed_total). */
export type SuppressedReason = 'cap' | 'period';

/**
 * Fires each alert once: claim in memory (synchronous, so concurrent flushes in this process
 * cannot both win), record the claims in ClickHouse (every claim made in one turn of the event
 * loop in one insert), then call the webhooks and record the outcomes. A claim that never got a
 * `sent` (crash, webhook down past all retries) is sent again at the next start, with the same
 * body and alert id: delivery is at-least-once (docs/billing.md).
 *
 * Bounded whatever the spans say (issue #13 item 5): claims are kept for recent periods only
 * (alert-claims.ts), and at most `caps[kind]` alerts of one kind fire for one client in one
 * period for the kinds with a cap (unpriced models: 10); alerts beyond are counted, not fired.
 */
export class Alerter {
  private readonly claimed = new ClaimedAlerts();
  private readonly inflight = new Set<Promise<void>>();
  private queue: Claim[] = [];

  constructor(
    private readonly store: StoreClient,
    private readonly now: () => Date,
    private readonly policy: RetryPolicy,
    /** Where an alert goes: by its client, or for a scoped budget by its subject (scoped-budget.ts). */
    private readonly targetFor: (alert: AlertTarget) => WebhookTarget | null,
    /** Failures this class recovers from, reported so they are not silent. */
    private readonly report: (what: string) => (err: unknown) => void = () => () => undefined,
    private readonly suppressed: (reason: SuppressedReason) => void = () => undefined,
    /** Alerts of a kind that may fire per client and period; kinds not listed are bounded by the config (thresholds, days). */
    private readonly caps: Partial<Record<Alert['kind'], number>> = { unpriced: 10 },
    /** Once across receivers sharing the database (coordination/work-claims.ts): false when another one sends. */
    private readonly claimOnce: (key: string) => Promise<boolean> = async () => true,
  ) {}

  has(a: Pick<Alert, 'client' | 'period' | 'kind' | 'threshold' | 'subject'>): boolean {
    return this.claimed.has(a.period, alertId(a));
  }

  /** Loads what fired before (recent periods); returns the records that still need delivering. */
  async load(): Promise<AlertRecord[]> {
    const window = claimWindow(this.now());
    const records = await readAlertRecords(this.store, window);
    for (const r of records) this.claimed.add(r.period, r.alert_id, `${r.kind}:${r.client_id}`);
    return records.filter((r) => r.state === 'pending' || r.state === 'failed');
  }

  /** Claims and sends in the background; false when this alert was already claimed or is suppressed. */
  fire(alert: Alert): boolean {
    const id = alertId(alert);
    if (this.claimed.has(alert.period, id)) return false;
    const window = claimWindow(this.now());
    if (alert.period < window.from || alert.period > window.to) return this.suppress('period');
    this.claimed.prune(window.from);
    const cap = this.caps[alert.kind];
    if (cap !== undefined && this.claimed.count(alert.period, `${alert.kind}:${alert.client}`) >= cap) return this.suppress('cap');
    this.claimed.add(alert.period, id, `${alert.kind}:${alert.client}`);
    const at = this.now();
    const target = this.targetFor(alert);
    this.queue.push({ target, record: {
      client_id: alert.client,
      period: alert.period,
      kind: alert.kind,
      threshold: alert.threshold,
      subject: alert.subject,
      alert_id: id,
      state: target ? 'pending' : 'none',
      spent_nanos: alert.spent_nanos.toString(),
      budget_nanos: (alert.budget_nanos ?? 0n).toString(),
      message: alert.message,
      payload: target ? alertBody(alert, target.format, at) : alertBody(alert, 'json', at),
      attempts: 0,
      last_error: '',
      created_at: dateTimeText(at),
    } });
    if (this.queue.length === 1) this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.claimAndSend()));
    return true;
  }

  /** Sends again what an earlier process claimed but did not deliver. */
  resend(records: readonly AlertRecord[]): void {
    for (const r of records) {
      const target = this.targetFor({ client: r.client_id, kind: r.kind, subject: r.subject });
      // Every receiver loads the same undelivered records at start: one of them resends each.
      if (target) this.track(this.won(`alert-resend:${r.alert_id}:${r.attempts}`).then((won) => (won ? this.send(r, target) : undefined)));
    }
  }

  private async won(key: string): Promise<boolean> {
    try {
      return await this.claimOnce(key);
    } catch (err) {
      this.report(`claiming ${key}`)(err);
      return false;
    }
  }

  /** Resolves when every claim and delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  private suppress(reason: SuppressedReason): false {
    this.suppressed(reason);
    return false;
  }

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  private async claimAndSend(): Promise<void> {
    let claims = this.queue;
    this.queue = [];
    try {
      // Where another receiver won, it records and sends; this one keeps the alert claimed in memory.
      const won = await Promise.all(claims.map((c) => this.claimOnce(`alert:${c.record.alert_id}`)));
      claims = claims.filter((_, i) => won[i]);
      if (claims.length) await writeAlertRecords(this.store, claims.map((c) => c.record), this.now());
    } catch (err) {
      // Not recorded, so not sent: the next stored call re-checks and claims again.
      this.report(`claiming ${claims.length} alert(s)`)(err);
      for (const c of claims) this.claimed.delete(c.record.period, c.record.alert_id);
      return;
    }
    await Promise.all(claims.map((c) => (c.target ? this.send(c.record, c.target) : undefined)));
  }

  private async send(record: Omit<AlertRecord, 'version' | 'updated_at'>, target: WebhookTarget): Promise<void> {
    const attempts: object[] = [];
    const result = await deliverWebhook(target, record.payload, record.alert_id, this.policy, (a) =>
      attempts.push({ alert_id: record.alert_id, client_id: record.client_id, url: redactWebhookUrl(target.url), attempt: record.attempts + a.attempt, status: a.status, error: a.error, attempted_at: dateTimeText(this.now()) }),
    );
    await this.store.insertRows(`${this.store.database}.alert_deliveries`, attempts).catch(this.report('recording webhook attempts'));
    const outcome = { ...record, state: result.ok ? ('sent' as const) : ('failed' as const), attempts: record.attempts + result.attempts, last_error: result.lastError };
    // If this write fails the record stays pending and the next start sends again (at-least-once).
    await writeAlertRecord(this.store, outcome, this.now()).catch(this.report(`recording alert ${record.alert_id} as ${outcome.state}`));
  }
}
