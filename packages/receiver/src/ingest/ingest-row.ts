import type { SpanLinkRow } from '../rows/span-link-row.js';
import type { PendingCall } from './pending-calls.js';

/**
 * What the batch writer carries: encoded calls and link rows, told apart by `span_kind`. Link
 * rows ride beside the calls so a request is acknowledged only when both are stored.
 */
export type IngestRow = PendingCall | SpanLinkRow;

export function isSpanLink(row: IngestRow): row is SpanLinkRow {
  return 'span_kind' in row;
}
