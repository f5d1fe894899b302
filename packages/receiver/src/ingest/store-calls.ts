import type { StoreClient } from '../clickhouse/store-client.js';
import type { DecodedSpan } from '../otlp/decoded-span.js';
import { dateTimeTextOfMs } from '../rows/date-time-text.js';
import { callKey, type CallRow } from '../rows/llm-call-row.js';
import type { SpanLinkRow } from '../rows/span-link-row.js';
import { insertCallLines, storedKeys } from '../store/llm-calls.js';
import { insertLinks } from '../store/span-links.js';
import type { AheadCheck } from './batch-writer.js';
import { callMs } from './call-row.js';
import { isSpanLink, type IngestRow } from './ingest-row.js';
import { pendingCalls, pendingCallsTsv, type PendingCall } from './pending-calls.js';

/** A batch ready to insert: its calls minus those already stored or repeated, and its links. */
export interface PreparedBatch {
  calls: PendingCall[];
  /** callKey of each of `calls`: what the next batch checks in memory while these are inserted. */
  keys: ReadonlySet<string>;
  links: SpanLinkRow[];
  duplicates: number;
}

/**
 * Drops calls whose (trace_id, span_id) is already stored, is in `unconfirmed` (a batch being
 * inserted right now, which the check cannot see yet) or appears twice in the batch: exporter
 * retries and Collector replays. Links need no check: span_links collapses on its key.
 */
export async function prepareIngestRows(client: StoreClient, rows: readonly IngestRow[], unconfirmed: PreparedBatch | null = null): Promise<PreparedBatch> {
  const { calls, links } = splitRows(rows);
  return dropRepeats(calls, calls.map(callKey), links, await storedKeys(client, calls), unconfirmed);
}

function splitRows(rows: readonly IngestRow[]): { calls: PendingCall[]; links: SpanLinkRow[] } {
  const calls: PendingCall[] = [];
  const links: SpanLinkRow[] = [];
  for (const row of rows) {
    if (isSpanLink(row)) links.push(row);
    else calls.push(row);
  }
  return { calls, links };
}

/** `candidateKeys[i]` is callKey of `candidates[i]`, computed once by the caller. */
function dropRepeats(candidates: readonly PendingCall[], candidateKeys: readonly string[], links: SpanLinkRow[], stored: ReadonlySet<string>, unconfirmed: PreparedBatch | null): PreparedBatch {
  const keys = new Set<string>();
  const calls: PendingCall[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const call = candidates[i]!;
    const key = candidateKeys[i]!;
    if (stored.has(key) || keys.has(key) || unconfirmed?.keys.has(key)) continue;
    keys.add(key);
    calls.push(call);
  }
  return { calls, keys, links, duplicates: candidates.length - calls.length };
}

/**
 * The already-stored check of one request, started from its decoded spans (every span: which of
 * them are calls is known only once they are normalized) so that its round trip runs while they
 * are normalized, priced and encoded. It covers a call only if the call's key and day were among
 * those checked; `prepare` answers null otherwise. The batch writer uses it only while no insert
 * started since `epoch` (see AheadCheck), so the answer is still what the store holds.
 */
export function checkAhead(client: StoreClient, spans: readonly Pick<DecodedSpan, 'traceId' | 'spanId' | 'startTimeUnixNano'>[], epoch: number): AheadCheck<IngestRow, PreparedBatch> {
  const keys = spans.map((s) => ({ trace_id: s.traceId, span_id: s.spanId, timestamp: dateTimeTextOfMs(callMs(s)) }));
  const stored = storedKeys(client, keys);
  stored.catch(() => undefined); // awaited by prepare when the writer uses this check
  const checked = new Set(keys.map(callKey));
  const days = new Set(keys.map((k) => k.timestamp.slice(0, 10)));
  return {
    epoch,
    async prepare(rows) {
      const { calls, links } = splitRows(rows);
      const callKeys = calls.map(callKey);
      if (!calls.every((c, i) => checked.has(callKeys[i]!) && days.has(c.timestamp.slice(0, 10)))) return null;
      return dropRepeats(calls, callKeys, links, await stored, null);
    },
  };
}

/** One batch of two prepared parts, the second prepared against the first (so no key is in both). */
export function combinePrepared(first: PreparedBatch, second: PreparedBatch): PreparedBatch {
  return {
    calls: [...first.calls, ...second.calls],
    keys: new Set([...first.keys, ...second.keys]),
    links: [...first.links, ...second.links],
    duplicates: first.duplicates + second.duplicates,
  };
}

/**
 * Inserts a prepared batch. Calls and links go side by side: if either insert fails the request
 * is refused and re-sent, and the retry finds its calls already stored (dropped above) and its
 * links collapse on their key (span_links is a ReplacingMergeTree).
 */
export async function insertPrepared(client: StoreClient, batch: PreparedBatch): Promise<void> {
  await Promise.all([insertCallLines(client, pendingCallsTsv(batch.calls)), insertLinks(client, batch.links)]);
}

/** Both stages at once, for one-off writes outside the receiver's batch writer. */
export async function storeCalls(client: StoreClient, rows: CallRow[]): Promise<{ stored: CallRow[]; inserted: number; duplicates: number }> {
  const pending = pendingCalls(rows);
  const batch = await prepareIngestRows(client, pending);
  await insertPrepared(client, batch);
  const kept = new Set(batch.calls);
  const stored = rows.filter((_, i) => kept.has(pending[i]!));
  return { stored, inserted: stored.length, duplicates: batch.duplicates };
}
