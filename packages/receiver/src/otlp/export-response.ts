/**
 * OTLP/HTTP answers (opentelemetry-proto docs/specification.md, "OTLP/HTTP Response").
 *
 * Success and partial success: ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
 * with ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }.
 * "The server MUST leave the partial_success field unset in case of a successful response", so
 * with nothing rejected and no warning the body is the empty message (zero bytes / `{}`).
 * The response uses the request's Content-Type: protobuf in, protobuf out.
 */
/** The two OTLP/HTTP encodings; the answer uses the request's. */
export type OtlpFormat = 'protobuf' | 'json';

export interface ExportOutcome {
  rejectedSpans: number;
  /** English, human-readable; a warning alone (rejectedSpans 0) is allowed by the spec. */
  errorMessage: string;
}

export function encodeExportResponseProtobuf({ rejectedSpans, errorMessage }: ExportOutcome): Uint8Array {
  if (rejectedSpans === 0 && errorMessage === '') return new Uint8Array(0);
  const inner: number[] = [];
  if (rejectedSpans !== 0) {
    inner.push(0x08); // field 1, varint
    pushVarint(inner, rejectedSpans);
  }
  if (errorMessage !== '') pushString(inner, 2, errorMessage);
  const out: number[] = [0x0a]; // field 1, length-delimited
  pushVarint(out, inner.length);
  return Uint8Array.from(out.concat(inner));
}

/** The export answer in `format`; `null` (or nothing rejected and no warning) is full success. */
export function encodeExportResponse(format: OtlpFormat, outcome: ExportOutcome | null): Uint8Array | string {
  const o = outcome ?? { rejectedSpans: 0, errorMessage: '' };
  return format === 'protobuf' ? encodeExportResponseProtobuf(o) : encodeExportResponseJson(o);
}

/** proto3 JSON: int64 prints as a decimal string, default values are omitted. */
export function encodeExportResponseJson({ rejectedSpans, errorMessage }: ExportOutcome): string {
  if (rejectedSpans === 0 && errorMessage === '') return '{}';
  const partialSuccess: { rejectedSpans?: string; errorMessage?: string } = {};
  if (rejectedSpans !== 0) partialSuccess.rejectedSpans = String(rejectedSpans);
  if (errorMessage !== '') partialSuccess.errorMessage = errorMessage;
  return JSON.stringify({ partialSuccess });
}

/**
 * google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; } — the body of
 * every 4xx/5xx ("Failures"). The spec does not use `code` and lets servers omit it; we send the
 * gRPC code that matches (3 INVALID_ARGUMENT for bad data, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE).
 */
export interface RpcStatus {
  code: number;
  message: string;
}

/** The failure body in `format`. */
export function encodeStatus(format: OtlpFormat, status: RpcStatus): Uint8Array | string {
  return format === 'protobuf' ? encodeRpcStatusProtobuf(status) : encodeRpcStatusJson(status);
}

export function encodeRpcStatusProtobuf({ code, message }: RpcStatus): Uint8Array {
  const out: number[] = [];
  if (code !== 0) {
    out.push(0x08);
    pushVarint(out, code);
  }
  if (message !== '') pushString(out, 2, message);
  return Uint8Array.from(out);
}

export function encodeRpcStatusJson({ code, message }: RpcStatus): string {
  return JSON.stringify(code === 0 ? { message } : { code, message });
}

/** Non-negative integers up to 2^53; negative int32 would need the 10-byte form, never used here. */
function pushVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a varint`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function pushString(out: number[], field: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  out.push((field << 3) | 2);
  pushVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}
