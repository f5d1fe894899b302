import type { StoreClient } from '../clickhouse/store-client.js';
import { callKey, insertCalls, storedKeys, type CallRow } from '../store/llm-calls.js';
import { insertLinks, isSpanLink, type IngestRow, type SpanLinkRow } from '../store/span-links.js';

/**
 * One flush of the batch writer: drop rows whose (trace_id, span_id) is already stored or
 * appears twice in the batch (exporter retries, Collector replays), then insert the rest.
 * Returns the rows stored and how many were duplicates.
 */
export async function storeCalls(client: StoreClient, rows: CallRow[]): Promise<{ stored: CallRow[]; inserted: number; duplicates: number }> {
  const seen = await storedKeys(client, rows);
  const fresh: CallRow[] = [];
  for (const row of rows) {
    const key = callKey(row);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push(row);
  }
  await insertCalls(client, fresh);
  return { stored: fresh, inserted: fresh.length, duplicates: rows.length - fresh.length };
}

/**
 * One flush with span links. Calls and links are inserted side by side: if either insert fails
 * the request is refused and re-sent, and the retry finds its calls already stored (dropped
 * above) and its links collapse on their key (span_links is a ReplacingMergeTree).
 */
export async function storeIngestRows(client: StoreClient, rows: readonly IngestRow[]): Promise<{ stored: CallRow[]; inserted: number; duplicates: number }> {
  const calls: CallRow[] = [];
  const links: SpanLinkRow[] = [];
  for (const row of rows) {
    if (isSpanLink(row)) links.push(row);
    else calls.push(row);
  }
  const [result] = await Promise.all([storeCalls(client, calls), insertLinks(client, links)]);
  return result;
}
