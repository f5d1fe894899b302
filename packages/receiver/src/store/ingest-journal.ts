import { freshSource } from '../clickhouse/fresh-reads.js';
import { dropExpiredDays } from '../clickhouse/partitions.js';
import { quoteString } from '../clickhouse/sql.js';
import type { StoreClient } from '../clickhouse/store-client.js';
import { rowBinary } from '../clickhouse/row-binary.js';
import type { OtlpFormat } from '../otlp/export-response.js';
import { dateTimeText } from '../rows/date-time-text.js';

/** The write-ahead journal's two tables (migration 0018) and the only SQL that touches them. */
export const INGEST_JOURNAL = 'ingest_journal';
export const INGEST_JOURNAL_DRAINED = 'ingest_journal_drained';

/** One acknowledged request, as written to the journal. */
export interface JournalEntry {
  /** The request's content (ingest/journaled-writer.ts contentId): retries of it have the same. */
  batch_id: string;
  receiver: string;
  /** Whole seconds: the partition and the drained record are found by it. */
  written_at: Date;
  content: RequestContent | RowsContent;
}

/** The request's body as it arrived: the replay decodes, normalizes and prices it again. */
export interface RequestContent {
  kind: 'request';
  format: OtlpFormat;
  /** The body as the exporter sent it: gzip keeps the journal row a fraction of the decoded size. */
  encoding: 'gzip' | 'identity';
  /** When the request arrived (epoch ms): its rows' received_at, and the clock of their plausibility checks. */
  received_at_ms: number;
  bytes: Uint8Array;
}

/** A request's rows, made already: what the first journal (stop 23) wrote, still replayed. */
export interface RowsContent {
  kind: 'rows';
  calls: number;
  /** llm_calls TabSeparated lines (CALL_COLUMNS order). */
  call_lines: Uint8Array;
  /** span_links rows, a JSON array ('' for none). */
  link_rows: string;
}

export type DrainOutcome = 'stored' | 'rejected';

export interface DrainedEntry {
  batch_id: string;
  written_at: Date;
  outcome: DrainOutcome;
}

/** The entry's first line, before its bytes: the receiver, then what follows. */
function headOf(receiver: string, c: JournalEntry['content']): string {
  return c.kind === 'request' ? `${receiver} otlp:${c.format}${c.encoding === 'gzip' ? '+gzip' : ''} ${c.received_at_ms}\n` : `${receiver} ${c.calls} ${c.link_rows || '[]'}\n`;
}

/**
 * One entry in three columns (the migration says why), as RowBinary: the entry is a head line
 * and then the bytes as they are (a request's body, or calls' lines), with no escaping pass.
 */
export async function appendJournal(store: StoreClient, e: JournalEntry): Promise<void> {
  const bytes = e.content.kind === 'request' ? e.content.bytes : e.content.call_lines;
  const row = rowBinary([[{ dateTime: e.written_at }, { string: e.batch_id }, { string: [Buffer.from(headOf(e.receiver, e.content), 'utf8'), bytes] }]]);
  await store.insertBytes(`${store.database}.${INGEST_JOURNAL}`, ['written_at', 'batch_id', 'entry'], row, 'RowBinary');
}

function contentOf(head: string, bytes: Buffer): JournalEntry['content'] {
  const [, second, third] = head.split(' ', 3) as [string, string, string | undefined];
  if (second.startsWith('otlp:')) {
    const [format, encoding] = second.slice(5).split('+') as [OtlpFormat, string | undefined];
    return { kind: 'request', format, encoding: encoding === 'gzip' ? 'gzip' : 'identity', received_at_ms: Number(third), bytes };
  }
  const links = head.slice(head.indexOf(' ', head.indexOf(' ') + 1) + 1);
  return { kind: 'rows', calls: Number(second), call_lines: bytes, link_rows: links === '[]' ? '' : links };
}

/** An entry read back as hex: a request's body is bytes, not text, and JSON output would not carry it. */
function readEntry(row: { written_at: string; batch_id: string; entry_hex: string }): JournalEntry {
  const entry = Buffer.from(row.entry_hex, 'hex');
  const newline = entry.indexOf(0x0a);
  const head = entry.toString('utf8', 0, newline);
  return {
    batch_id: row.batch_id,
    receiver: head.slice(0, head.indexOf(' ')),
    written_at: new Date(`${row.written_at.replace(' ', 'T')}Z`),
    content: contentOf(head, entry.subarray(newline + 1)),
  };
}

export async function markDrained(store: StoreClient, entries: readonly DrainedEntry[], at: Date): Promise<void> {
  if (entries.length === 0) return;
  const drainedAt = dateTimeText(at);
  await store.insertRows(
    `${store.database}.${INGEST_JOURNAL_DRAINED}`,
    entries.map((e) => ({ batch_id: e.batch_id, written_at: dateTimeText(e.written_at), drained_at: drainedAt, outcome: e.outcome })),
  );
}

/**
 * Entries written in [since, before) with no drained record, oldest first. Read on every replica
 * on a cluster (fresh-reads.ts): the entry and its record may have gone through other nodes.
 */
export async function undrainedEntries(store: StoreClient, range: { since: Date; before: Date }, limit: number): Promise<JournalEntry[]> {
  const journal = freshSource(store, INGEST_JOURNAL);
  const drained = freshSource(store, INGEST_JOURNAL_DRAINED);
  const [since, before] = [quoteString(dateTimeText(range.since)), quoteString(dateTimeText(range.before))];
  // PREWHERE: the entries' text is read only for the rows left undrained.
  const rows = await store.queryRows<{ written_at: string; batch_id: string; entry_hex: string }>(
    `SELECT toString(written_at) AS written_at, batch_id, hex(entry) AS entry_hex FROM ${journal.from}
PREWHERE written_at >= ${since} AND written_at < ${before}
  AND batch_id NOT IN (SELECT batch_id FROM ${drained.from} WHERE written_at >= ${since} AND written_at < ${before})
ORDER BY written_at LIMIT ${Math.floor(limit)}${journal.settings}`,
  );
  return rows.map(readEntry);
}

/** An entry as the lookup of retries sees it (ingest/journal-lookups.ts). */
export interface EntryStamp {
  batch_id: string;
  /** written_at, in seconds */
  at: number;
  receiver: string;
}

/**
 * The entries of these ids (requests' contents) written since `since`. PREWHERE reads the ids
 * alone; the entries' heads only where one matched. Read on every replica on a cluster, as the
 * already-stored check is.
 */
export async function entriesOfIds(store: StoreClient, ids: readonly string[], since: Date): Promise<EntryStamp[]> {
  const journal = freshSource(store, INGEST_JOURNAL);
  const rows = await store.queryRows<{ batch_id: string; at: number; receiver: string }>(
    `SELECT batch_id, toUInt32(written_at) AS at, substring(entry, 1, position(entry, ' ') - 1) AS receiver FROM ${journal.from}
PREWHERE written_at >= ${quoteString(dateTimeText(since))} AND batch_id IN (${ids.map(quoteString).join(', ')})${journal.settings}`,
  );
  return rows.map((r) => ({ batch_id: r.batch_id, at: Number(r.at), receiver: r.receiver }));
}

/** Whole days of both tables older than `days` (working memory: an entry is replayed within minutes). */
export function dropExpiredJournal(store: StoreClient, now: Date, days: number): Promise<Array<{ table: string; day: string }>> {
  return dropExpiredDays(store, [INGEST_JOURNAL, INGEST_JOURNAL_DRAINED], now, days);
}
