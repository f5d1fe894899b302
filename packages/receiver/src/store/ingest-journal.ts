import { freshSource } from '../clickhouse/fresh-reads.js';
import { dropExpiredDays } from '../clickhouse/partitions.js';
import { quoteString } from '../clickhouse/sql.js';
import type { StoreClient } from '../clickhouse/store-client.js';
import { TsvWriter } from '../clickhouse/tsv-rows.js';
import { dateTimeText } from '../rows/date-time-text.js';

/** The write-ahead journal's two tables (migration 0018) and the only SQL that touches them. */
export const INGEST_JOURNAL = 'ingest_journal';
export const INGEST_JOURNAL_DRAINED = 'ingest_journal_drained';

/** One acknowledged request's rows, as written to the journal. */
export interface JournalEntry {
  /** A UUID: 36 characters. */
  batch_id: string;
  receiver: string;
  /** Whole seconds: the partition and the drained record are found by it. */
  written_at: Date;
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

/**
 * One entry as one String (the migration says why): four space-free fields, the links' JSON, then
 * the lines in base64, which needs no escaping and goes in as it is, not through the writer's
 * character loop.
 */
export async function appendJournal(store: StoreClient, e: JournalEntry): Promise<void> {
  const row = new TsvWriter(1024).text(dateTimeText(e.written_at)).tab().text(`${e.batch_id} ${e.receiver} ${e.calls} ${e.link_rows || '[]'} `);
  const lines = Buffer.from(Buffer.from(e.call_lines.buffer, e.call_lines.byteOffset, e.call_lines.byteLength).toString('base64'), 'latin1');
  await store.insertTsv(`${store.database}.${INGEST_JOURNAL}`, ['written_at', 'entry'], Buffer.concat([row.bytes(), lines, Buffer.from('\n')]));
}

function readEntry(writtenAt: string, text: string): JournalEntry {
  const [batch_id, receiver, calls] = text.split(' ', 3) as [string, string, string];
  const linksFrom = batch_id.length + receiver.length + calls.length + 3;
  const linesFrom = text.lastIndexOf(' ') + 1;
  const links = text.slice(linksFrom, linesFrom - 1);
  return {
    batch_id,
    receiver,
    written_at: new Date(`${writtenAt.replace(' ', 'T')}Z`),
    calls: Number(calls),
    call_lines: Buffer.from(text.slice(linesFrom), 'base64'),
    link_rows: links === '[]' ? '' : links,
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
  const rows = await store.queryRows<{ written_at: string; entry: string }>(
    `SELECT toString(written_at) AS written_at, entry FROM ${journal.from}
WHERE written_at >= ${since} AND written_at < ${before}
  AND substring(entry, 1, 36) NOT IN (SELECT batch_id FROM ${drained.from} WHERE written_at >= ${since} AND written_at < ${before})
ORDER BY written_at LIMIT ${Math.floor(limit)}${journal.settings}`,
  );
  return rows.map((r) => readEntry(r.written_at, r.entry));
}

/** Whole days of both tables older than `days` (working memory: an entry is replayed within minutes). */
export function dropExpiredJournal(store: StoreClient, now: Date, days: number): Promise<Array<{ table: string; day: string }>> {
  return dropExpiredDays(store, [INGEST_JOURNAL, INGEST_JOURNAL_DRAINED], now, days);
}
