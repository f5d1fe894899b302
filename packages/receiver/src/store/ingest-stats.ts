import type { StoreClient } from '../clickhouse/store-client.js';
import { dateTimeText } from './llm-calls.js';

/**
 * Pipeline-health counts per minute and outcome, for the Pipeline health dashboard. Kept in
 * memory and written every few seconds: these are operational figures, not billing data, so a
 * crash may lose the last few seconds of them (never any call).
 */
export class IngestStats {
  private pending = new Map<string, { minute: string; outcome: string; spans: number; lagMsSum: number }>();

  constructor(private readonly client: StoreClient) {}

  record(at: Date, outcome: string, spans: number, lagMsSum = 0): void {
    if (spans === 0) return;
    const minute = dateTimeText(new Date(Math.floor(at.getTime() / 60_000) * 60_000));
    const key = `${minute}|${outcome}`;
    const entry = this.pending.get(key) ?? { minute, outcome, spans: 0, lagMsSum: 0 };
    entry.spans += spans;
    entry.lagMsSum += lagMsSum;
    this.pending.set(key, entry);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()].map((e) => ({ minute: e.minute, outcome: e.outcome, spans: e.spans, lag_ms_sum: Math.round(e.lagMsSum) }));
    this.pending = new Map();
    try {
      await this.client.insertRows(`${this.client.database}.ingest_stats`, rows);
    } catch {
      // Put them back: they go with the next flush.
      for (const r of rows) this.record(new Date(`${r.minute}Z`.replace(' ', 'T')), r.outcome, r.spans, r.lag_ms_sum);
    }
  }
}
