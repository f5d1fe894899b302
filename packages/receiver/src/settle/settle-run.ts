/**
 * One settle run (docs/normalization.md "Settle"): for every trace that got a call or a span in
 * the window, page by page in trace_id order, load its calls (FINAL) and its span links, decide
 * each call's client and whether it repeats another (settle-plan.ts), and rewrite only the calls
 * whose decision changed: the same row with revision + 1 (llm_calls is ReplacingMergeTree
 * (revision)), priced again when its client changed (the client's own overrides apply). The
 * rollup keys of the calls read are then converged (rollup-converge.ts; every 5,000 keys and at
 * the end): rewritten keys are marked dirty before the revisions are written, and each key is set
 * to what its billed calls add up to, so llm_usage_daily heals from a crash between the two
 * writes and from re-sent spans that raced past the already-stored check.
 *
 * Idempotent: a second run finds every decision already written and changes nothing.
 */
import type { Pricer } from '@tokenledger/pricing';
import type { StoreClient } from '../clickhouse/store-client.js';
import { sql } from '../clickhouse/sql.js';
import { insertCalls, LLM_CALLS, type CallRow } from '../store/llm-calls.js';
import { repricedCall } from '../store/reprice.js';
import { SPAN_LINKS } from '../store/span-links.js';
import { convergeRollup, dirtyKeys, distinctKeys, markDirty, rollupKeyOf, type RollupKey } from './rollup-converge.js';
import { acquireLease, stillHeld, type LeaseOptions } from './settle-lease.js';
import { INHERITED, planTrace, type SettleCall } from './settle-plan.js';
import type { TreeSpan } from './trace-tree.js';

export interface SettleOptions {
  now: Date;
  /** Traces with a call or span received in [now - windowMs, now] are settled. */
  windowMs: number;
  /** Prices a call again for the client it inherits (per-client overrides). */
  pricer: Pricer;
  /** How far before the window a call of such a trace may have started (default 7 days). */
  lookbackMs?: number;
  /** With several receivers on one database: run only while holding the slot lease (settle-lease.ts). */
  lease?: LeaseOptions;
  /** Traces per page (default 5,000): what one run holds in memory at a time. */
  pageTraces?: number;
  /** Start after this trace id: where a run that overran its slot stopped. */
  after?: string;
  /** See convergeRollup (default 2,000 ms). */
  convergeMs?: number;
}

export interface SettleResult {
  /** true when another receiver held the lease (nothing was read or written) */
  skipped: boolean;
  /** true when the slot ended before the last page: `next` is where the next run resumes */
  overran: boolean;
  next: string | null;
  pages: number;
  traces: number;
  calls: number;
  /** calls rewritten: re-attributed, marked repeats, or both */
  changed: number;
  inherited: number;
  duplicates: number;
  /** llm_usage_daily rows inserted to make it equal the billed calls */
  corrected: number;
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

function bounds(options: SettleOptions) {
  const since = new Date(options.now.getTime() - options.windowMs);
  return { since, earliest: new Date(since.getTime() - (options.lookbackMs ?? 7 * DAY_MS)) };
}

/** The next page of traces with a call or a span received in the window, after `after`. */
async function tracePage(store: StoreClient, options: SettleOptions, after: string, limit: number): Promise<string[]> {
  const { since, earliest } = bounds(options);
  const db = store.database;
  const rows = await store.queryRows<{ trace_id: string }>(
    `SELECT DISTINCT trace_id FROM (
  SELECT trace_id FROM ${db}.${LLM_CALLS} WHERE ${sql`timestamp >= ${earliest} AND received_at >= ${since} AND trace_id > ${after}`.text}
  UNION ALL
  SELECT trace_id FROM ${db}.${SPAN_LINKS} WHERE ${sql`received_at >= ${since} AND trace_id > ${after}`.text}
) ORDER BY trace_id LIMIT ${limit}`,
  );
  return rows.map((r) => r.trace_id);
}

const traceTable = (traceIds: readonly string[]) => ({ name: 'settle_traces', structure: 't String', rows: traceIds.map((t) => [t]) });

/** The page's trace_id range as well as its ids: the range lets the sorting key skip the other granules. */
const inPage = (traceIds: readonly string[]) => `${sql`trace_id >= ${traceIds[0]!} AND trace_id <= ${traceIds.at(-1)!}`.text} AND trace_id IN (SELECT t FROM settle_traces)`;

async function loadCalls(store: StoreClient, options: SettleOptions, traceIds: readonly string[]): Promise<StoredCall[]> {
  return store.queryWithTable<StoredCall>(
    `SELECT * FROM ${store.database}.${LLM_CALLS} FINAL WHERE ${sql`timestamp >= ${bounds(options).earliest}`.text} AND ${inPage(traceIds)}`,
    traceTable(traceIds),
  );
}

async function loadLinks(store: StoreClient, traceIds: readonly string[]): Promise<LinkRecord[]> {
  return store.queryWithTable<LinkRecord>(
    `SELECT trace_id, span_id, any(parent_span_id) AS parent_span_id, any(span_kind) AS span_kind, any(client_id) AS client_id, any(client_key) AS client_key
FROM ${store.database}.${SPAN_LINKS} WHERE ${inPage(traceIds)} GROUP BY trace_id, span_id`,
    traceTable(traceIds),
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

type Rewrite = { before: StoredCall; after: CallRow };

/** What the page's calls should become, and which of them change. */
function planPage(calls: StoredCall[], links: LinkRecord[], pricer: Pricer): Rewrite[] {
  const linksByTrace = groupBy(links, (l) => l.trace_id);
  const rewrites: Rewrite[] = [];
  for (const [traceId, traceCalls] of groupBy(calls, (c) => c.trace_id)) {
    const decisions = planTrace((linksByTrace.get(traceId) ?? []).map(toTreeSpan), traceCalls);
    for (const call of traceCalls) {
      const d = decisions.get(call.span_id)!;
      if (d.clientId === call.client_id && d.clientKey === call.client_key && d.duplicateOf === call.duplicate_of) continue;
      // A new client may have negotiated rates of its own (#13 item 7).
      const priced = d.clientId === call.client_id || Number(call.metered) === 0 ? { ...call, revision: Number(call.revision) + 1 } : repricedCall(pricer, call, d.clientId);
      rewrites.push({ before: call, after: { ...priced, client_key: d.clientKey, duplicate_of: d.duplicateOf } });
    }
  }
  return rewrites;
}

const SKIPPED: SettleResult = Object.freeze({ skipped: true, overran: false, next: null, pages: 0, traces: 0, calls: 0, changed: 0, inherited: 0, duplicates: 0, corrected: 0 });

/** Rollup keys gathered over pages are converged together once this many are pending. */
const CONVERGE_KEYS = 5_000;

export async function settle(store: StoreClient, options: SettleOptions): Promise<SettleResult> {
  const slot = options.lease ? await acquireLease(store, options.lease) : null;
  if (options.lease && slot === null) return SKIPPED;
  // A run that outlives its slot writes nothing more: the next slot's holder may already be running.
  const mayWrite = async () => !options.lease || (await stillHeld(store, options.lease, slot!));
  const result: SettleResult = { ...SKIPPED, skipped: false };
  const limit = options.pageTraces ?? 5_000;
  // False when the slot ended before the corrections could be written: the run then counts as overrun.
  const converge = async (keys: RollupKey[]) => {
    const corrected = await convergeRollup(store, distinctKeys(keys), options.convergeMs ?? 2_000, mayWrite);
    if (corrected !== null) result.corrected += corrected;
    return corrected !== null;
  };
  let pending: RollupKey[] = [];
  // Keys not converged when the slot ends are left marked, for the next run (it resumes past them).
  const overran = async (after: string) => {
    await markDirty(store, distinctKeys(pending), options.now);
    return { ...result, overran: true, next: after };
  };
  let after = options.after ?? '';
  for (;;) {
    const traceIds = await tracePage(store, options, after, limit);
    if (traceIds.length === 0) break;
    if (!(await mayWrite())) return overran(after);
    const calls = await loadCalls(store, options, traceIds);
    const rewrites = planPage(calls, await loadLinks(store, traceIds), options.pricer);
    if (rewrites.length && !(await mayWrite())) return overran(after);
    if (rewrites.length) {
      await markDirty(store, distinctKeys(rewrites.flatMap((r) => [rollupKeyOf(r.before), rollupKeyOf(r.after)])), options.now);
      await insertCalls(store, rewrites.map((r) => r.after));
    }
    pending = distinctKeys([...pending, ...calls.map(rollupKeyOf), ...rewrites.map((r) => rollupKeyOf(r.after))]);
    if (pending.length >= CONVERGE_KEYS) {
      if (!(await converge(pending))) return overran(traceIds.at(-1)!);
      pending = [];
    }
    result.pages += 1;
    result.traces += traceIds.length;
    result.calls += calls.length;
    result.changed += rewrites.length;
    result.inherited += rewrites.filter((r) => r.after.client_key.startsWith(INHERITED) && r.after.client_id !== r.before.client_id).length;
    result.duplicates += rewrites.filter((r) => r.after.duplicate_of && !r.before.duplicate_of).length;
    after = traceIds.at(-1)!;
    if (traceIds.length < limit) break;
  }
  // With the keys a run marked before it died between its two writes (their calls may be outside the window now).
  if (!(await converge([...pending, ...(await dirtyKeys(store, bounds(options).since))]))) return overran(after);
  return result;
}
