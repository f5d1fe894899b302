import type { StoreClient } from '../clickhouse/store-client.js';
import { ident, sql } from '../clickhouse/sql.js';
import { billedCallsWhere } from '../store/llm-calls.js';
import { periodAt, type BillingPeriod } from './billing-period.js';

/**
 * Each client's spend in its current billing period, in memory: the budget endpoint sits on the
 * SDK's hard-cap path, so it must answer without a ClickHouse query. A period window is
 * authoritative once it was loaded from ClickHouse (FINAL, so re-sent spans count once), or when
 * it began after this process started (every call in it then went through onStored).
 *
 * Bounded whatever the spans say (issue #13 item 5): only the current period of each start day
 * is kept (calls dated in another period are not tracked), configured clients always, and at most
 * `maxOthers` ids seen only in traffic per period. Past that the period is `partial` for other
 * ids: their spend is read from ClickHouse when asked (spendOf), not kept.
 */
export class SpendLedger {
  private readonly spent = new Map<string, Map<string, bigint>>();
  private readonly others = new Map<string, number>();
  private readonly partial = new Set<string>();
  private readonly loaded = new Set<string>();

  constructor(
    private readonly startedAt: Date,
    private readonly now: () => Date,
    /** Clients always kept (the configured ones: budgets, hard caps). */
    private readonly keeps: (client: string) => boolean,
    private readonly maxOthers = 10_000,
  ) {}

  private static window(startDay: number, label: string): string {
    return `${startDay}|${label}`;
  }

  private current(startDay: number, period: BillingPeriod): boolean {
    return periodAt(this.now(), startDay).label === period.label;
  }

  knows(startDay: number, period: BillingPeriod): boolean {
    if (!this.current(startDay, period)) return false;
    return this.loaded.has(SpendLedger.window(startDay, period.label)) || period.start.getTime() >= this.startedAt.getTime();
  }

  private set(client: string, label: string, nanos: bigint): void {
    const clients = this.spent.get(label) ?? new Map<string, bigint>();
    this.spent.set(label, clients);
    if (!clients.has(client) && !this.keeps(client)) {
      const n = this.others.get(label) ?? 0;
      if (n >= this.maxOthers) return void this.partial.add(label);
      this.others.set(label, n + 1);
    }
    clients.set(client, nanos);
  }

  /** Adds a stored call's cost; returns false when the period is not tracked (not current, or never loaded). */
  add(client: string, startDay: number, period: BillingPeriod, nanos: bigint): boolean {
    if (!this.knows(startDay, period)) return false;
    this.set(client, period.label, (this.spent.get(period.label)?.get(client) ?? 0n) + nanos);
    return true;
  }

  /** The spend of a tracked period, or undefined when it has to be read from ClickHouse. */
  get(client: string, startDay: number, period: BillingPeriod): bigint | undefined {
    if (!this.knows(startDay, period)) return undefined;
    const known = this.spent.get(period.label)?.get(client);
    if (known !== undefined) return known;
    return this.partial.has(period.label) && !this.keeps(client) ? undefined : 0n;
  }

  /**
   * Loads every client's spend in one period window. `belongs` picks the clients whose periods
   * start on `startDay` (the same label means different dates for different start days). Periods
   * that are no longer current are dropped.
   */
  async load(store: StoreClient, startDay: number, period: BillingPeriod, belongs: (client: string) => boolean): Promise<void> {
    const rows = await store.queryRows<{ client_id: string; cost: string }>(
      sql`SELECT client_id, toString(sum(cost_nanos)) AS cost FROM ${ident(store.database)}.llm_calls FINAL
WHERE ${billedCallsWhere({ from: period.start, to: period.end })} GROUP BY client_id`.text,
    );
    this.prune();
    const clients = this.spent.get(period.label);
    for (const [client] of clients ?? []) if (belongs(client)) clients!.delete(client);
    this.others.set(period.label, [...(clients?.keys() ?? [])].filter((c) => !this.keeps(c)).length);
    this.partial.delete(period.label);
    for (const r of rows) if (belongs(r.client_id)) this.set(r.client_id, period.label, BigInt(r.cost));
    this.loaded.add(SpendLedger.window(startDay, period.label));
  }

  /** Drops every period that is current for no start day. */
  private prune(): void {
    const now = this.now();
    const current = new Set(Array.from({ length: 28 }, (_, i) => periodAt(now, i + 1).label));
    for (const label of this.spent.keys()) if (!current.has(label)) [this.spent, this.others].forEach((m) => m.delete(label));
    for (const label of this.partial) if (!current.has(label)) this.partial.delete(label);
    for (const w of this.loaded) if (!current.has(w.split('|')[1]!)) this.loaded.delete(w);
  }
}

/** One client's spend in a period, read from ClickHouse (a client the ledger does not keep). */
export async function spendOf(store: StoreClient, client: string, period: BillingPeriod): Promise<bigint> {
  const [row] = await store.queryRows<{ cost: string }>(
    sql`SELECT toString(sum(cost_nanos)) AS cost FROM ${ident(store.database)}.llm_calls FINAL
WHERE ${billedCallsWhere({ from: period.start, to: period.end, client })}`.text,
  );
  return BigInt(row?.cost ?? '0');
}
