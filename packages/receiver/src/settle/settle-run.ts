/**
 * One settle run (docs/normalization.md "Settle"): for every trace that got a call or a span in
 * the window, load its calls (FINAL) and its span links, decide each call's client and whether it
 * repeats another (settle-plan.ts), and rewrite only the calls whose decision changed: the same
 * row with revision + 1 (llm_calls is ReplacingMergeTree(revision)), and the difference into
 * llm_usage_daily, whose materialized view takes first writes only.
 *
 * Idempotent: a second run finds every decision already written and changes nothing.
 */
import type { StoreClient } from '../clickhouse/store-client.js';
import { sql } from '../clickhouse/sql.js';
import { insertCalls, LLM_CALLS, type CallRow } from '../store/llm-calls.js';
import { SPAN_LINKS } from '../store/span-links.js';
import { rollupChange } from './rollup-delta.js';
import { acquireLease, stillHeld, type LeaseOptions } from './settle-lease.js';
import { planTrace, type SettleCall } from './settle-plan.js';
import type { TreeSpan } from './trace-tree.js';

export interface SettleOptions {
  now: Date;
  /** Traces with a call or span received in [now - windowMs, now] are settled. */
  windowMs: number;
  /** How far before the window a call of such a trace may have started (default 7 days). */
  lookbackMs?: number;
  /** With several receivers on one database: run only while holding the slot lease (settle-lease.ts). */
  lease?: LeaseOptions;
}

export interface SettleResult {
  /** true when another receiver held the lease (nothing was read or written) */
  skipped: boolean;
  traces: number;
  calls: number;
  /** calls rewritten: re-attributed, marked repeats, or both */
  changed: number;
  inherited: number;
  duplicates: number;
}

type StoredCall = CallRow & SettleCall & { duplicate_of: string };

interface LinkRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  span_kind: number;
  client_id: string;
  client_key: string;
}

const DAY_MS = 86_400_000;

async function loadCalls(store: StoreClient, options: SettleOptions): Promise<StoredCall[]> {
  const since = new Date(options.now.getTime() - options.windowMs);
  const earliest = new Date(since.getTime() - (options.lookbackMs ?? 7 * DAY_MS));
  const db = store.database;
  return store.queryRows<StoredCall>(
    `SELECT * FROM ${db}.${LLM_CALLS} FINAL
WHERE ${sql`timestamp >= ${earliest}`.text} AND trace_id IN (
  SELECT trace_id FROM ${db}.${LLM_CALLS} WHERE ${sql`timestamp >= ${earliest} AND received_at >= ${since}`.text}
  UNION ALL
  SELECT trace_id FROM ${db}.${SPAN_LINKS} WHERE ${sql`received_at >= ${since}`.text}
)`,
  );
}

async function loadLinks(store: StoreClient, traceIds: readonly string[]): Promise<LinkRecord[]> {
  if (traceIds.length === 0) return [];
  return store.queryWithTable<LinkRecord>(
    `SELECT trace_id, span_id, any(parent_span_id) AS parent_span_id, any(span_kind) AS span_kind, any(client_id) AS client_id, any(client_key) AS client_key
FROM ${store.database}.${SPAN_LINKS} WHERE trace_id IN (SELECT t FROM settle_traces) GROUP BY trace_id, span_id`,
    { name: 'settle_traces', structure: 't String', rows: traceIds.map((t) => [t]) },
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function toTreeSpan(link: LinkRecord): TreeSpan {
  return { spanId: link.span_id, parentSpanId: link.parent_span_id, spanKind: Number(link.span_kind), clientId: link.client_id, clientKey: link.client_key };
}

const SKIPPED: SettleResult = Object.freeze({ skipped: true, traces: 0, calls: 0, changed: 0, inherited: 0, duplicates: 0 });

export async function settle(store: StoreClient, options: SettleOptions): Promise<SettleResult> {
  const slot = options.lease ? await acquireLease(store, options.lease) : null;
  if (options.lease && slot === null) return SKIPPED;
  const calls = await loadCalls(store, options);
  const byTrace = groupBy(calls, (c) => c.trace_id);
  const links = groupBy(await loadLinks(store, [...byTrace.keys()]), (l) => l.trace_id);
  const rewrites: Array<{ before: StoredCall; after: CallRow }> = [];
  for (const [traceId, traceCalls] of byTrace) {
    const decisions = planTrace((links.get(traceId) ?? []).map(toTreeSpan), traceCalls);
    for (const call of traceCalls) {
      const d = decisions.get(call.span_id)!;
      if (d.clientId === call.client_id && d.clientKey === call.client_key && d.duplicateOf === call.duplicate_of) continue;
      const after: CallRow = { ...call, client_id: d.clientId, client_key: d.clientKey, duplicate_of: d.duplicateOf, revision: Number(call.revision) + 1 };
      rewrites.push({ before: call, after });
    }
  }
  // A run that outlived its slot writes nothing: the next slot's holder may already be running.
  if (options.lease && rewrites.length && !(await stillHeld(store, options.lease, slot!))) return SKIPPED;
  await insertCalls(store, rewrites.map((r) => r.after));
  const rollup = rewrites.flatMap((r) => rollupChange(r.before, r.after));
  if (rollup.length) await store.insertRows(`${store.database}.llm_usage_daily`, rollup);
  return {
    skipped: false,
    traces: byTrace.size,
    calls: calls.length,
    changed: rewrites.length,
    inherited: rewrites.filter((r) => r.after.client_key.startsWith('inherited:') && r.after.client_id !== r.before.client_id).length,
    duplicates: rewrites.filter((r) => r.after.duplicate_of && !r.before.duplicate_of).length,
  };
}
