import type { NormalizedCall } from '../normalize/index.js';
import { dateTimeTextOfMs } from '../rows/date-time-text.js';
import type { CallRow } from '../rows/llm-call-row.js';

/** What pricing decided for one call: the matched entry and its exact cost per bucket, or nothing. */
export interface CallCost {
  priceKey: string;
  inputNanos: bigint;
  cachedInputNanos: bigint;
  cacheWriteNanos: bigint;
  outputNanos: bigint;
  totalNanos: bigint;
}

const MAX_TEXT = 512;

function clip(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}

/** Start time to a UTC DateTime; the call's own timestamp is what prices and periods follow. */
export function callDate(call: Pick<NormalizedCall, 'startTimeUnixNano'>): Date {
  return new Date(callMs(call));
}

/**
 * The start in epoch milliseconds, which row timestamps are written from without a Date. Also
 * of a span not yet normalized: the already-stored check and link rows start from those.
 */
export function callMs(call: Pick<NormalizedCall, 'startTimeUnixNano'>): number {
  return Number(call.startTimeUnixNano / 1_000_000n);
}

/** Empty cost buckets are common (no cache reads, no cache writes); their text needs no conversion. */
function nanosText(nanos: bigint): string {
  return nanos === 0n ? '0' : String(nanos);
}

/** `receivedAt` is the DateTime text of when the request came in, computed once per request. */
export function toCallRow(call: NormalizedCall, cost: CallCost | null, receivedAt: string): CallRow {
  const usage = call.usage;
  const a = call.attribution;
  return {
    timestamp: dateTimeTextOfMs(callMs(call)),
    trace_id: call.traceId,
    span_id: call.spanId,
    parent_span_id: call.parentSpanId,
    client_id: clip(a.clientId),
    client_key: clip(a.clientKey),
    project: clip(a.project),
    feature: clip(a.feature),
    app: clip(a.app),
    environment: clip(a.environment),
    user_id: clip(a.userId),
    provider: clip(call.provider),
    operation: clip(call.operation),
    request_model: clip(call.requestModel),
    response_model: clip(call.responseModel),
    response_id: clip(call.responseId),
    service_tier: clip(call.serviceTier),
    price_key: cost?.priceKey ?? '',
    input_tokens: usage?.inputTokens ?? 0,
    cached_input_tokens: usage?.cachedInputTokens ?? 0,
    cache_write_tokens: usage?.cacheWriteTokens ?? 0,
    cache_write_1h_tokens: usage?.cacheWrite1hTokens ?? 0,
    output_tokens: usage?.outputTokens ?? 0,
    reasoning_tokens: usage?.reasoningTokens ?? 0,
    input_cost_nanos: nanosText(cost?.inputNanos ?? 0n),
    cached_input_cost_nanos: nanosText(cost?.cachedInputNanos ?? 0n),
    cache_write_cost_nanos: nanosText(cost?.cacheWriteNanos ?? 0n),
    output_cost_nanos: nanosText(cost?.outputNanos ?? 0n),
    cost_nanos: nanosText(cost?.totalNanos ?? 0n),
    producer_cost_nanos: call.producerCostNanos === null ? null : nanosText(call.producerCostNanos),
    priced: cost ? 1 : 0,
    metered: usage ? 1 : 0,
    estimated: call.estimated ? 1 : 0,
    duration_ms: Math.max(0, Math.min(Math.round(call.durationMs), 4_294_967_295)),
    status: call.status,
    error_type: clip(call.errorType),
    dialect: call.dialect,
    scope_name: clip(call.scopeName),
    tag_keys: a.tags.map(([k]) => clip(k)),
    tag_values: a.tags.map(([, v]) => clip(v)),
    received_at: receivedAt,
    revision: 0,
    unit_kind: clip(a.unitKind),
    unit_id: clip(a.unitId),
  };
}
