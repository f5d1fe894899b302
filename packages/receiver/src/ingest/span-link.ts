import type { DecodedSpan } from '../otlp/decoded-span.js';
import { dateTimeTextOfMs } from '../rows/date-time-text.js';
import type { SpanLinkRow } from '../rows/span-link-row.js';
import { callMs } from './call-row.js';

const MAX_TEXT = 512;

/** The compact link row of one span (store/span-links.ts); `client` is its own attribution. */
export function toLinkRow(span: DecodedSpan, client: readonly [string, string], receivedAt: string): SpanLinkRow {
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    span_kind: span.kind >= 0 && span.kind <= 255 ? span.kind : 0,
    timestamp: startText(span, receivedAt),
    client_id: client[0].slice(0, MAX_TEXT),
    client_key: client[1].slice(0, MAX_TEXT),
    received_at: receivedAt,
  };
}

/** DateTime('UTC') holds 1970..2105; a span clock outside it (0, garbage) is filed at receipt. */
function startText(span: DecodedSpan, receivedAt: string): string {
  const ms = callMs(span);
  return ms > 0 && ms < 4_291_747_200_000 ? dateTimeTextOfMs(ms) : receivedAt;
}
