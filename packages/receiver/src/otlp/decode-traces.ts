import type { DecodeLimits } from './decode-limits.js';
import type { DecodeResult } from './decoded-span.js';
import type { OtlpFormat } from './export-response.js';
import { decodeJsonTraces } from './json-traces-decode.js';
import { decodeProtobufTraces } from './proto-traces-decode.js';

/** An ExportTraceServiceRequest body (decompressed) in either OTLP/HTTP encoding. */
export function decodeTraces(bytes: Uint8Array, format: OtlpFormat, limits: DecodeLimits): DecodeResult {
  return format === 'protobuf' ? decodeProtobufTraces(bytes, limits) : decodeJsonTraces(new TextDecoder().decode(bytes), limits);
}
