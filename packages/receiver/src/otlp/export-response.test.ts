import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import {
  encodeExportResponse,
  encodeExportResponseJson,
  encodeExportResponseProtobuf,
  encodeRpcStatusJson,
  encodeRpcStatusProtobuf,
  encodeStatus,
} from './export-response.js';
import { ExportTraceServiceResponse, RpcStatus } from './fixtures/otlp-trace-schema.js';

describe('export responses', () => {
  it('leaves partial_success unset on full success: an empty message', () => {
    expect(encodeExportResponseProtobuf({ rejectedSpans: 0, errorMessage: '' })).toEqual(new Uint8Array(0));
    expect(encodeExportResponseJson({ rejectedSpans: 0, errorMessage: '' })).toBe('{}');
    expect(encodeExportResponse('json', null)).toBe('{}');
    expect(ProtobufTraceSerializer.deserializeResponse(encodeExportResponseProtobuf({ rejectedSpans: 0, errorMessage: '' }))).toEqual({});
  });

  it('writes rejected_spans and error_message that the official SDK deserializers read back', () => {
    const outcome = { rejectedSpans: 300, errorMessage: '1 span rejected: trace_id … ☃' };
    const proto = encodeExportResponseProtobuf(outcome);
    expect(Buffer.from(proto).subarray(0, 5)).toEqual(Buffer.from([0x0a, proto.length - 2, 0x08, 0xac, 0x02]));
    const fromSdk = ProtobufTraceSerializer.deserializeResponse(proto);
    expect(Number(fromSdk.partialSuccess?.rejectedSpans)).toBe(300);
    expect(fromSdk.partialSuccess?.errorMessage).toBe(outcome.errorMessage);
    expect(ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(proto), { longs: String })).toEqual({
      partialSuccess: { rejectedSpans: '300', errorMessage: outcome.errorMessage },
    });
    const json = encodeExportResponseJson(outcome);
    expect(JSON.parse(json)).toEqual({ partialSuccess: { rejectedSpans: '300', errorMessage: outcome.errorMessage } });
    expect(JsonTraceSerializer.deserializeResponse(new TextEncoder().encode(json))).toEqual(JSON.parse(json));
  });

  it('can carry a warning with nothing rejected, as the spec allows', () => {
    const proto = encodeExportResponseProtobuf({ rejectedSpans: 0, errorMessage: 'unattributed spans' });
    expect(ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(proto))).toEqual({ partialSuccess: { errorMessage: 'unattributed spans' } });
    expect(encodeExportResponseJson({ rejectedSpans: 0, errorMessage: 'unattributed spans' })).toBe('{"partialSuccess":{"errorMessage":"unattributed spans"}}');
  });

  it('encodes google.rpc.Status for failure bodies in both encodings', () => {
    const status = { code: 3, message: 'invalid protobuf at byte 7: truncated varint' };
    expect(RpcStatus.toObject(RpcStatus.decode(encodeRpcStatusProtobuf(status)))).toEqual(status);
    expect(RpcStatus.toObject(RpcStatus.decode(encodeStatus('protobuf', status) as Uint8Array))).toEqual(status);
    expect(encodeRpcStatusJson(status)).toBe('{"code":3,"message":"invalid protobuf at byte 7: truncated varint"}');
    expect(encodeRpcStatusJson({ code: 0, message: 'x' })).toBe('{"message":"x"}');
    expect(encodeRpcStatusProtobuf({ code: 0, message: '' })).toEqual(new Uint8Array(0));
  });
});
