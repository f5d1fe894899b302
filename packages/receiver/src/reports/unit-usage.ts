/**
 * What a client's calls cost per business unit (design.md "Billing plans, units and budgets beyond
 * clients"): the figures a per-unit invoice bills. Calls and cost are read exactly as invoices read
 * them (billing/invoice-usage.ts: FINAL, so a re-sent span counts once; `duplicate_of = ''`, so a
 * span repeating another's usage is not billed twice). A unit is counted in the period of its
 * first billed call for this client, ever: a conversation that runs from May 31 into June 1 is
 * billed once, in May, however many calls it took.
 */
import type { StoreClient } from '../clickhouse/store-client.js';
import { ident, sql } from '../clickhouse/sql.js';
import { billedCallsWhere, LLM_CALLS } from '../store/llm-calls.js';

export interface UnitUsageQuery {
  clientId: string;
  from: Date;
  /** exclusive */
  to: Date;
}

export interface UnitUsage {
  /** '' for the calls that carried no unit kind */
  unitKind: string;
  /** distinct unit ids of this kind whose first call for the client falls in [from, to); 0 for kind '' */
  units: number;
  /** the client's billed calls of this kind in [from, to) */
  calls: number;
  /** their exact cost, nano-USD, as invoices price it (unpriced calls add 0) */
  costNanos: bigint;
}

/** Calls of both halves of a unit: a kind without an id (or the reverse) is not a countable unit. */
const COUNTABLE = sql`unit_kind != '' AND unit_id != ''`;
/** Where "ever" starts: every stored call is later (DateTime starts in 1970). */
const EPOCH = new Date(0);

async function callsByKind(store: StoreClient, q: UnitUsageQuery): Promise<Array<{ unit_kind: string; calls: string; cost_nanos: string }>> {
  const query = sql`SELECT unit_kind, count() AS calls, toString(sum(cost_nanos)) AS cost_nanos
FROM ${ident(store.database)}.${ident(LLM_CALLS)} FINAL
WHERE ${billedCallsWhere({ from: q.from, to: q.to, client: q.clientId })}
GROUP BY unit_kind`;
  return store.queryRows(query.text);
}

/** Units first seen in [from, to): their first call is looked for over all of the client's calls before `to`. */
async function newUnitsByKind(store: StoreClient, q: UnitUsageQuery): Promise<Array<{ unit_kind: string; units: string }>> {
  const query = sql`SELECT unit_kind, count() AS units
FROM (
  SELECT unit_kind, unit_id, min(timestamp) AS first_call
  FROM ${ident(store.database)}.${ident(LLM_CALLS)} FINAL
  WHERE ${billedCallsWhere({ from: EPOCH, to: q.to, client: q.clientId })} AND ${COUNTABLE}
  GROUP BY unit_kind, unit_id
)
WHERE first_call >= ${q.from}
GROUP BY unit_kind`;
  return store.queryRows(query.text);
}

/** One entry per unit kind of the client's calls in [from, to), sorted by kind ('' first). */
export async function readUnitUsage(store: StoreClient, query: UnitUsageQuery): Promise<UnitUsage[]> {
  const [calls, units] = await Promise.all([callsByKind(store, query), newUnitsByKind(store, query)]);
  const unitsOf = new Map(units.map((r) => [r.unit_kind, Number(r.units)]));
  return calls
    .map((r) => ({ unitKind: r.unit_kind, units: unitsOf.get(r.unit_kind) ?? 0, calls: Number(r.calls), costNanos: BigInt(r.cost_nanos) }))
    .sort((a, b) => (a.unitKind < b.unitKind ? -1 : a.unitKind > b.unitKind ? 1 : 0));
}
