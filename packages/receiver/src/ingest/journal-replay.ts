import { gunzipSync } from 'node:zlib';
import type { StoreClient } from '../clickhouse/store-client.js';
import type { OtlpFormat } from '../otlp/export-response.js';
import type { WorkClaimer } from '../coordination/work-claims.js';
import type { SpanLinkRow } from '../rows/span-link-row.js';
import { dropExpiredJournal, markDrained, undrainedEntries, type DrainedEntry, type DrainOutcome, type JournalEntry, type RowsContent } from '../store/ingest-journal.js';
import { RowsRejectedError, type BatchWriter } from './batch-writer.js';
import type { IngestRow } from './ingest-row.js';
import { pendingCallsFromLines } from './pending-calls.js';

/**
 * Stores the journal entries that were acknowledged but never drained (journaled-writer.ts): their
 * receiver died before its insert, or the insert failed. Entries are left alone for `olderThanMs`
 * (a live receiver drains its own within a batch or two), then whichever receiver wins the
 * minute's work claim writes them through its batch writer: the already-stored check drops every
 * row that did reach llm_calls, so a replay bills nothing twice. Whole days past the retention go.
 */
export interface ReplayOptions {
  now: Date;
  claimer: WorkClaimer;
  /** An entry younger than this is its own receiver's to drain (default 60,000 ms). */
  olderThanMs?: number;
  retentionDays: number;
  /**
   * How far back the run looks (default one hour; a receiver's first run looks back over the whole
   * retention, for entries left while every receiver was down), read one hour at a time so the
   * set of drained ids stays small.
   */
  lookbackMs?: number;
  /** Entries replayed per run (default 100: at most 50,000 rows of 500-span requests). */
  limit?: number;
  /** A journaled request's rows from its decompressed body, made again as on its arrival (decode, normalize, price). */
  requestRows(bytes: Uint8Array, format: OtlpFormat, arrivedAt: Date): IngestRow[];
}

export interface ReplayResult {
  /** false when another receiver had this minute's claim (nothing was written). */
  ran: boolean;
  stored: number;
  rejected: number;
  /** Entries whose insert failed for a reason that may pass (ClickHouse down): tried again next run. */
  failed: number;
  droppedDays: number;
}

/** What an entry's insert settling means for it: drained as stored or refused for good, or (null) left for a replay. */
export function drainOutcome(insert: PromiseSettledResult<unknown>): DrainOutcome | null {
  if (insert.status === 'fulfilled') return 'stored';
  return insert.reason instanceof RowsRejectedError ? 'rejected' : null;
}

/** The rows of an entry of the first journal (stop 23), which held them made already. */
export function journalRows(content: RowsContent): IngestRow[] {
  const calls = pendingCallsFromLines(Buffer.from(content.call_lines));
  const links = content.link_rows ? (JSON.parse(content.link_rows) as SpanLinkRow[]) : [];
  return [...calls, ...links];
}

const HOUR = 3_600_000;
/** The largest body a journaled gzip request inflates to (the receiver's default limit of decompressed bytes). */
const MAX_BODY_BYTES = 64 * 2 ** 20;
/** Entries read and stored at a time: a request's body travels as hex, twice its size. */
const PAGE = 20;

async function undrainedSince(store: StoreClient, options: ReplayOptions, limit: number): Promise<JournalEntry[]> {
  const now = options.now.getTime();
  const before = now - (options.olderThanMs ?? 60_000);
  const entries: JournalEntry[] = [];
  for (let from = now - Math.min(options.lookbackMs ?? HOUR, options.retentionDays * 86_400_000); from < before && entries.length < limit; from += HOUR) {
    entries.push(...(await undrainedEntries(store, { since: new Date(from), before: new Date(Math.min(from + HOUR, before)) }, limit - entries.length)));
  }
  return entries;
}

/** An entry's rows; a request that no longer decodes (a lower limit since) is refused for good. */
function rowsOf(entry: JournalEntry, options: ReplayOptions): IngestRow[] {
  if (entry.content.kind === 'rows') return journalRows(entry.content);
  const { bytes, encoding, format, received_at_ms } = entry.content;
  try {
    return options.requestRows(encoding === 'gzip' ? gunzipSync(bytes, { maxOutputLength: MAX_BODY_BYTES }) : bytes, format, new Date(received_at_ms));
  } catch (err) {
    throw new RowsRejectedError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/** Stores one page of entries (all at once: the batch writer stores them in batches of many) and records them drained. */
async function replayPage(store: StoreClient, writer: Pick<BatchWriter<IngestRow>, 'write'>, entries: JournalEntry[], options: ReplayOptions, result: ReplayResult): Promise<void> {
  const outcomes = await Promise.allSettled(entries.map(async (e) => writer.write(rowsOf(e, options))));
  const drained: DrainedEntry[] = [];
  outcomes.forEach((o, i) => {
    const outcome = drainOutcome(o);
    if (outcome) drained.push({ batch_id: entries[i]!.batch_id, written_at: entries[i]!.written_at, outcome });
    else result.failed++;
  });
  await markDrained(store, drained, options.now);
  const stored = drained.filter((d) => d.outcome === 'stored').length;
  result.stored += stored;
  result.rejected += drained.length - stored;
}

export async function replayJournal(store: StoreClient, writer: Pick<BatchWriter<IngestRow>, 'write'>, options: ReplayOptions): Promise<ReplayResult> {
  const result: ReplayResult = { ran: false, stored: 0, rejected: 0, failed: 0, droppedDays: 0 };
  // Read first, claim only when there is something to replay: an idle journal writes no claim rows.
  if ((await undrainedSince(store, options, 1)).length > 0 && !(await options.claimer.claim(`journal-replay:${options.now.toISOString().slice(0, 16)}`))) return result;
  result.ran = true;
  // Page after page, each read after the last one's records: it holds only what is still undrained.
  for (let done = 0, limit = options.limit ?? 100; done < limit && result.failed === 0; ) {
    const page = await undrainedSince(store, options, Math.min(PAGE, limit - done));
    if (page.length === 0) break;
    await replayPage(store, writer, page, options, result);
    done += page.length;
  }
  result.droppedDays = (await dropExpiredJournal(store, options.now, options.retentionDays)).length;
  return result;
}
