/**
 * decoded span -> billable call (or a counted reason not to bill). Per span only: no buffering, no
 * parent lookups; tree dedupe and trace-level attribution belong to the settle stage.
 */
import type { DecodedSpan } from '../otlp/decoded-span.js';
import { readString } from './attribute-values.js';
import { resolveAttribution } from './attribution.js';
import { detectDialect } from './dialect-table.js';
import type { NormalizeOptions, NormalizeOutcome } from './normalized-call.js';
import { NOT_GENAI } from './outcomes.js';

const STATUS_ERROR = 2;
/** OTel's fallback `error.type` value when a failure has no better class. */
const OTHER_ERROR = '_OTHER';

export function normalizeSpan(span: DecodedSpan, options: NormalizeOptions): NormalizeOutcome {
  const rule = detectDialect(span);
  if (rule === undefined) return NOT_GENAI;
  const extraction = rule.extract(span);
  if (extraction.kind !== 'call') return extraction;
  // semconv: `error.type` is set only when the operation failed, even if the status was left unset.
  const errorType = readString(span.attributes, 'error.type') ?? '';
  const failed = span.statusCode === STATUS_ERROR || errorType !== '';
  // Field by field: spreading the extraction into the middle of a literal is V8's slow generic copy.
  const extracted = extraction.call;
  return {
    kind: 'call',
    call: {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      startTimeUnixNano: span.startTimeUnixNano,
      durationMs: durationMs(span.startTimeUnixNano, span.endTimeUnixNano),
      attribution: resolveAttribution(span, options),
      provider: extracted.provider,
      operation: extracted.operation,
      requestModel: extracted.requestModel,
      responseModel: extracted.responseModel,
      responseId: extracted.responseId,
      serviceTier: extracted.serviceTier,
      usage: extracted.usage,
      estimated: extracted.estimated,
      producerCostNanos: extracted.producerCostNanos,
      status: failed ? 'error' : 'ok',
      errorType: failed ? errorType || OTHER_ERROR : '',
      dialect: rule.name,
      scopeName: span.scope.name,
    },
  };
}

/** Milliseconds at microsecond precision; a clock-skewed end before start counts as 0. */
function durationMs(start: bigint, end: bigint): number {
  return end > start ? Number((end - start) / 1000n) / 1000 : 0;
}
