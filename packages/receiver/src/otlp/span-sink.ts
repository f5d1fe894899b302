import type { DecodeLimits } from './decode-limits.js';
import type { DecodeResult, DecodedSpan } from './decoded-span.js';

/**
 * Collects decoded spans and rejections for one request. Rejections are grouped by kind so the
 * partial-success error_message stays one line per problem, however many spans share it.
 */
export class SpanSink {
  readonly spans: DecodedSpan[] = [];
  rejected = 0;
  private readonly kinds = new Map<string, { count: number; example: string }>();

  constructor(readonly limits: DecodeLimits) {}

  /** True once `maxSpansPerRequest` spans were seen: later ones are rejected without decoding. */
  full(): boolean {
    return this.spans.length + this.rejected >= this.limits.maxSpansPerRequest;
  }

  rejectOverflow(): void {
    this.reject('too_many_spans', `request has more than ${this.limits.maxSpansPerRequest} spans; the rest were not read`);
  }

  /** `kind` groups rejections; `example` is the first occurrence's explanation, shown to the client. */
  reject(kind: string, example: string): void {
    this.rejected++;
    const seen = this.kinds.get(kind);
    if (seen) seen.count++;
    else this.kinds.set(kind, { count: 1, example });
  }

  result(): DecodeResult {
    const rejectionMessages = [...this.kinds.values()].map(
      ({ count, example }) => `${count} span${count === 1 ? '' : 's'} rejected: ${example}`,
    );
    return { spans: this.spans, rejected: this.rejected, rejectionMessages };
  }
}

/** Why a span's ids are unusable, or '' when they are fine. Lengths are in bytes (OTLP trace.proto). */
export function idProblem(traceIdBytes: number, traceIdZero: boolean, spanIdBytes: number, spanIdZero: boolean, parentBytes: number): [kind: string, message: string] | undefined {
  if (traceIdBytes !== 16 || traceIdZero) {
    return ['trace_id', `trace_id must be 16 bytes and not all zero (got ${traceIdZero && traceIdBytes === 16 ? 'all zero' : `${traceIdBytes} bytes`})`];
  }
  if (spanIdBytes !== 8 || spanIdZero) {
    return ['span_id', `span_id must be 8 bytes and not all zero (got ${spanIdZero && spanIdBytes === 8 ? 'all zero' : `${spanIdBytes} bytes`})`];
  }
  if (parentBytes !== 0 && parentBytes !== 8) {
    return ['parent_span_id', `parent_span_id must be empty or 8 bytes (got ${parentBytes} bytes)`];
  }
  return undefined;
}

export function allZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}
