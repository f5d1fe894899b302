import type { DecodeResult } from '../otlp/decoded-span.js';
import type { IngestRow } from './ingest-row.js';
import { PendingCallEncoder } from './pending-calls.js';
import { spansToRows, type IngestBatch, type IngestStages } from './spans-to-rows.js';

/**
 * A decoded request's rows (calls, then span links) and what became of each span: as the OTLP
 * route makes them on arrival, and as the journal's replay makes them again from the request.
 */
export function requestRows(decoded: DecodeResult, stages: IngestStages, receivedAt: Date): { rows: IngestRow[]; batch: IngestBatch } {
  const encoder = new PendingCallEncoder(decoded.spans.length);
  const batch = spansToRows(decoded, stages, receivedAt, encoder);
  const calls = encoder.finish();
  return { rows: batch.links.length ? [...calls, ...batch.links] : calls, batch };
}
