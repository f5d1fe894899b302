import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { TokenLedgerError } from '../errors.js';
import type { JournalTicket, RequestBody } from '../ingest/journaled-writer.js';
import { requestRows } from '../ingest/request-rows.js';
import type { IngestBatch, IngestStages } from '../ingest/spans-to-rows.js';
import { QueueFullError, type AheadCheck } from '../ingest/batch-writer.js';
import type { IngestRow } from '../ingest/ingest-row.js';
import type { IngestStats } from '../store/ingest-stats.js';
import type { DecodedSpan } from '../otlp/decoded-span.js';
import {
  decodeTraces,
  encodeExportResponse,
  contentEncodingOf,
  decodeContentEncoding,
  encodeStatus,
  UnsupportedMediaTypeError,
  type DecodeLimits,
  type OtlpFormat,
} from '../otlp/index.js';
import { RETRY_AFTER_SECONDS, statusFor } from './error-handler.js';
import type { DecodeGate } from './decode-gate.js';
import type { Metrics } from './metrics.js';
import { readBodyLimited } from './read-body.js';

/** Where a request's rows go (ingest/journaled-writer.ts); `receivedAt` is performance.now() when the request arrived. */
export interface RequestWriter {
  /** Called once the request decoded, before its spans are normalized (the journal starts writing it then). */
  begin?(body: RequestBody, arrivedAt: Date, receivedAt: number, spans: number): JournalTicket | undefined;
  write(rows: IngestRow[], ahead?: AheadCheck<IngestRow, unknown>, receivedAt?: number, ticket?: JournalTicket): Promise<void>;
  /** At the pending limit: refuse before reading the body. */
  readonly full?: boolean;
}

export interface OtlpRouteDeps {
  stages: IngestStages;
  writer: RequestWriter;
  /** Starts a request's already-stored check from its decoded spans, when the writer can use it (see AheadCheck). */
  checkAhead?(spans: readonly DecodedSpan[]): AheadCheck<IngestRow, unknown> | undefined;
  stats: IngestStats;
  metrics: Metrics;
  limits: DecodeLimits & { maxBodyBytes: number; maxDecompressedBytes: number };
  now(): Date;
  /** Bounds the requests read and decoded at once (memory); none in unit tests that build the route alone. */
  decodeGate?: DecodeGate;
}

const CONTENT_TYPES: Record<string, OtlpFormat> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

function formatOf(contentType: string | undefined): OtlpFormat | null {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return CONTENT_TYPES[media] ?? null;
}

const CONTENT_TYPE_OF: Record<OtlpFormat, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

function reply(c: Context, format: OtlpFormat, status: number, body: Uint8Array | string): Response {
  c.header('Content-Type', CONTENT_TYPE_OF[format]);
  return c.body(typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>), status as 200);
}

/** The request's body as sent and decompressed, and what it decodes to. */
async function decode(c: Context, format: OtlpFormat, deps: OtlpRouteDeps) {
  const sent = await readBodyLimited(c.req.raw, deps.limits.maxBodyBytes, (c.env as { incoming?: IncomingMessage } | undefined)?.incoming);
  const encoding = contentEncodingOf(c.req.header('content-encoding'));
  const bytes = await decodeContentEncoding(sent, encoding, deps.limits.maxDecompressedBytes);
  return { body: { format, encoding, sent, bytes } satisfies RequestBody, decoded: decodeTraces(bytes, format, deps.limits) };
}

function record(deps: OtlpRouteDeps, batch: IngestBatch): void {
  const at = deps.now();
  let received = 0;
  for (const [outcome, n] of Object.entries(batch.counts)) {
    received += n;
    deps.metrics.spans.inc({ outcome }, n);
    deps.stats.record(at, outcome, n, outcome === 'billed' ? batch.lagMsSum : 0);
  }
  deps.metrics.received.inc(received);
  deps.stats.record(at, 'received', received);
}

/**
 * POST /v1/traces per OTLP/HTTP (opentelemetry-proto docs/specification.md, "OTLP/HTTP"): the
 * answer is an ExportTraceServiceResponse in the request's encoding, with partial_success when
 * some spans were rejected; failures carry a google.rpc.Status; 429/503 carry Retry-After.
 * The answer is sent only after the request's rows are in ClickHouse.
 */
export function otlpRoute(deps: OtlpRouteDeps): Hono {
  const route = new Hono();
  route.post('/v1/traces', async (c) => {
    const receivedAt = performance.now();
    const format = formatOf(c.req.header('content-type'));
    try {
      if (!format) throw new UnsupportedMediaTypeError('Content-Type must be application/x-protobuf or application/json');
      // Overload is refused before the body is read or decoded, not after (OTLP/HTTP: 429 + Retry-After).
      if (deps.writer.full) throw new QueueFullError(1);
      const { body, decoded } = await (deps.decodeGate ? deps.decodeGate.run(() => decode(c, format, deps)) : decode(c, format, deps));
      const arrivedAt = deps.now();
      const ticket = deps.writer.begin?.(body, arrivedAt, receivedAt, decoded.spans.length);
      // Its round trip overlaps normalize, price and encode: the one check on a lone request's path
      // (a journaled request's rows wait for a batch, checked with the others).
      const ahead = ticket?.appended ? undefined : deps.checkAhead?.(decoded.spans);
      const { rows, batch } = requestRows(decoded, deps.stages, arrivedAt);
      await deps.writer.write(rows, ahead, receivedAt, ticket);
      record(deps, batch);
      const rejected = batch.counts.rejected;
      return reply(c, format, 200, encodeExportResponse(format, rejected > 0 ? { rejectedSpans: rejected, errorMessage: batch.rejectionMessages.join('; ') } : null));
    } catch (err) {
      const status = statusFor(err);
      if (status === 429 || status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      if (status === 500) throw err;
      const message = err instanceof TokenLedgerError ? err.message : 'bad request';
      return reply(c, format ?? 'json', status, encodeStatus(format ?? 'json', { code: status, message }));
    }
  });
  return route;
}
