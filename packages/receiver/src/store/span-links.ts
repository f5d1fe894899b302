import type { StoreClient } from '../clickhouse/store-client.js';
import type { PendingCall } from '../ingest/pending-calls.js';

/**
 * The span_links table (migration 0008): one compact row per received span that is not a call, the trace shape the
 * settle stage walks. Rows ride the batch writer beside call rows, so a request is acknowledged
 * only when both are stored.
 */
export interface SpanLinkRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  span_kind: number;
  timestamp: string; // 'YYYY-MM-DD hh:mm:ss' UTC
  client_id: string;
  client_key: string;
  received_at: string;
}

export const SPAN_LINKS = 'span_links';

/** What the batch writer carries: encoded calls and link rows, told apart by `span_kind`. */
export type IngestRow = PendingCall | SpanLinkRow;

export function isSpanLink(row: IngestRow): row is SpanLinkRow {
  return 'span_kind' in row;
}

export async function insertLinks(client: StoreClient, rows: readonly SpanLinkRow[]): Promise<void> {
  if (rows.length > 0) await client.insertRows(`${client.database}.${SPAN_LINKS}`, rows);
}
