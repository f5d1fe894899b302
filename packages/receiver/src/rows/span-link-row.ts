/**
 * The row format of span_links (migration 0008): one compact row per received span that is not a
 * call, the trace shape the settle stage walks.
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
