import type { StoreClient } from '../clickhouse/store-client.js';
import { ident, sql } from '../clickhouse/sql.js';
import { billedCallsWhere } from '../store/llm-calls.js';
import type { BillingPeriod } from './billing-period.js';

/**
 * Each client's spend per billing period, in memory: the budget endpoint sits on the SDK's
 * hard-cap path, so it must answer without a ClickHouse query. A period window is authoritative
 * once it was loaded from ClickHouse (FINAL, so re-sent spans count once), or when it began
 * after this process started (every call in it then went through onStored).
 */
export class SpendLedger {
  private readonly spent = new Map<string, bigint>();
  private readonly loaded = new Set<string>();

  constructor(private readonly startedAt: Date) {}

  private static key(client: string, label: string): string {
    return `${client}\u0000${label}`;
  }

  private static window(startDay: number, label: string): string {
    return `${startDay}|${label}`;
  }

  knows(startDay: number, period: BillingPeriod): boolean {
    return this.loaded.has(SpendLedger.window(startDay, period.label)) || period.start.getTime() >= this.startedAt.getTime();
  }

  /** Adds a stored call's cost; returns false when the period is not tracked (an old one never loaded). */
  add(client: string, startDay: number, period: BillingPeriod, nanos: bigint): boolean {
    if (!this.knows(startDay, period)) return false;
    const key = SpendLedger.key(client, period.label);
    this.spent.set(key, (this.spent.get(key) ?? 0n) + nanos);
    return true;
  }

  /** The spend of a tracked period, or undefined when it has to be loaded first. */
  get(client: string, startDay: number, period: BillingPeriod): bigint | undefined {
    if (!this.knows(startDay, period)) return undefined;
    return this.spent.get(SpendLedger.key(client, period.label)) ?? 0n;
  }

  /**
   * Loads every client's spend in one period window. `belongs` picks the clients whose periods
   * start on `startDay` (the same label means different dates for different start days).
   */
  async load(store: StoreClient, startDay: number, period: BillingPeriod, belongs: (client: string) => boolean): Promise<void> {
    const rows = await store.queryRows<{ client_id: string; cost: string }>(
      sql`SELECT client_id, toString(sum(cost_nanos)) AS cost FROM ${ident(store.database)}.llm_calls FINAL
WHERE ${billedCallsWhere({ from: period.start, to: period.end })} GROUP BY client_id`.text,
    );
    for (const [key] of this.spent) if (key.endsWith(`\u0000${period.label}`) && belongs(key.split('\u0000')[0]!)) this.spent.delete(key);
    for (const r of rows) if (belongs(r.client_id)) this.spent.set(SpendLedger.key(r.client_id, period.label), BigInt(r.cost));
    this.loaded.add(SpendLedger.window(startDay, period.label));
  }
}
