export type { AttributeValue, Attributes, DecodeResult, DecodedResource, DecodedScope, DecodedSpan } from './decoded-span.js';
export { DEFAULT_DECODE_LIMITS, decodeLimitsSchema, type DecodeLimits } from './decode-limits.js';
export { decodeProtobufTraces } from './proto-traces-decode.js';
export { decodeJsonTraces } from './json-traces-decode.js';
export { decodeTraces } from './decode-traces.js';
export { OtlpDecodeError, PayloadTooLargeError, UnsupportedMediaTypeError } from './otlp-errors.js';
export {
  encodeExportResponse,
  encodeExportResponseJson,
  encodeExportResponseProtobuf,
  encodeRpcStatusJson,
  encodeRpcStatusProtobuf,
  encodeStatus,
  type ExportOutcome,
  type OtlpFormat,
  type RpcStatus,
} from './export-response.js';
export { contentEncodingOf, decodeContentEncoding, gunzipLimited } from './request-body.js';
