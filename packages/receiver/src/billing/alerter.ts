import type { StoreClient } from '../clickhouse/store-client.js';
import { dateTimeText } from '../store/llm-calls.js';
import { alertBody, alertId, type Alert } from './alert.js';
import { readAlertRecords, writeAlertRecord, type AlertRecord } from './alert-records.js';
import { deliverWebhook, type RetryPolicy, type WebhookTarget } from './webhook-delivery.js';
import { redactWebhookUrl } from './webhook-url-redact.js';

/**
 * Fires each alert once: claim in memory (synchronous, so concurrent flushes in this process
 * cannot both win), record the claim in ClickHouse, then call the webhook and record the outcome.
 * A claim that never got a `sent` (crash, webhook down past all retries) is sent again at the
 * next start, with the same body and alert id: delivery is at-least-once (docs/billing.md).
 */
export class Alerter {
  private readonly claimed = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly store: StoreClient,
    private readonly now: () => Date,
    private readonly policy: RetryPolicy,
    private readonly targetFor: (client: string) => WebhookTarget | null,
    /** Failures this class recovers from, reported so they are not silent. */
    private readonly report: (what: string) => (err: unknown) => void = () => () => undefined,
    /** Once across receivers sharing the database (coordination/work-claims.ts): false when another one sends. */
    private readonly claimOnce: (key: string) => Promise<boolean> = async () => true,
  ) {}

  has(a: Pick<Alert, 'client' | 'period' | 'kind' | 'threshold' | 'subject'>): boolean {
    return this.claimed.has(alertId(a));
  }

  /** Loads what fired before; returns the records that still need delivering. */
  async load(): Promise<AlertRecord[]> {
    const records = await readAlertRecords(this.store);
    for (const r of records) this.claimed.add(r.alert_id);
    return records.filter((r) => r.state === 'pending' || r.state === 'failed');
  }

  /** Claims and sends in the background; false when this alert was already claimed. */
  fire(alert: Alert): boolean {
    const id = alertId(alert);
    if (this.claimed.has(id)) return false;
    this.claimed.add(id);
    const at = this.now();
    const target = this.targetFor(alert.client);
    const record: Omit<AlertRecord, 'version' | 'updated_at'> = {
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
    };
    this.track(this.claimAndSend(record, target));
    return true;
  }

  /** Sends again what an earlier process claimed but did not deliver. */
  resend(records: readonly AlertRecord[]): void {
    for (const r of records) {
      const target = this.targetFor(r.client_id);
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

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  private async claimAndSend(record: Omit<AlertRecord, 'version' | 'updated_at'>, target: WebhookTarget | null): Promise<void> {
    try {
      // Another receiver won: it records and sends; this one keeps the alert claimed in memory.
      if (!(await this.claimOnce(`alert:${record.alert_id}`))) return;
      await writeAlertRecord(this.store, record, this.now());
    } catch (err) {
      // Not recorded, so not sent: the next stored call re-checks and claims again.
      this.report(`claiming alert ${record.alert_id}`)(err);
      this.claimed.delete(record.alert_id);
      return;
    }
    if (target) await this.send(record, target);
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
