import { parseScaled } from '@tokenledger/pricing';
import type { StoreClient } from '../clickhouse/store-client.js';
import { ident, sql } from '../clickhouse/sql.js';
import { dayText } from '../rows/date-time-text.js';
import { billedCallsWhere } from '../store/llm-calls.js';

const DAY_MS = 86_400_000;

/**
 * Spend per client per UTC day over the last 8 days, for the spend-spike alert: today against
 * the average of the 7 days before (days without spend count as 0). Only clients with the alert
 * on are kept (`tracks`: configured clients), and only days of the last 8, so spans with random
 * client ids or dates cannot grow it (issue #13 item 5).
 */
export class DailySpend {
  private readonly spent = new Map<string, Map<string, bigint>>();

  constructor(private readonly tracks: (client: string) => boolean = () => true) {}

  add(client: string, day: string, nanos: bigint, today: Date): void {
    if (!this.tracks(client)) return;
    const start = Date.parse(dayText(today));
    const at = Date.parse(day);
    if (!(at <= start && at >= start - 7 * DAY_MS)) return;
    const days = this.spent.get(client) ?? new Map<string, bigint>();
    days.set(day, (days.get(day) ?? 0n) + nanos);
    this.spent.set(client, days);
  }

  async load(store: StoreClient, today: Date): Promise<void> {
    const from = new Date(Date.parse(dayText(today)) - 7 * DAY_MS);
    const rows = await store.queryRows<{ client_id: string; day: string; cost: string }>(
      sql`SELECT client_id, toString(toDate(timestamp)) AS day, toString(sum(cost_nanos)) AS cost FROM ${ident(store.database)}.llm_calls FINAL
WHERE ${billedCallsWhere({ from })} GROUP BY client_id, day`.text,
    );
    this.spent.clear();
    for (const r of rows) this.add(r.client_id, r.day, BigInt(r.cost), today);
  }

  /** Today's spend and the trailing average when today > factor x average (exact, factor to 1e-3). */
  spike(client: string, today: Date, factor: number, minNanos: bigint): { today: bigint; average: bigint } | null {
    const days = this.spent.get(client);
    if (!days || factor <= 0) return null;
    const todayKey = dayText(today);
    const start = Date.parse(todayKey);
    for (const day of days.keys()) if (Date.parse(day) < start - 7 * DAY_MS) days.delete(day);
    const current = days.get(todayKey) ?? 0n;
    let trailing = 0n;
    for (let i = 1; i <= 7; i++) trailing += days.get(dayText(new Date(start - i * DAY_MS))) ?? 0n;
    // No history is no baseline: a new client's first day is not a spike.
    if (trailing === 0n || current < minNanos) return null;
    const factorMilli = parseScaled(factor, 3, 'round');
    return current * 7n * 1000n > factorMilli * trailing ? { today: current, average: trailing / 7n } : null;
  }
}
