import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeExportResponse, encodeStatus, type OtlpFormat } from './export-response.js';
import { expectedSpan, plain, recordSpans } from './fixtures/real-spans.js';
import { decodeJsonTraces } from './json-traces-decode.js';
import { decodeProtobufTraces } from './proto-traces-decode.js';
import { decodeContentEncoding } from './request-body.js';
import type { DecodeResult } from './decoded-span.js';

interface Captured {
  headers: IncomingHttpHeaders;
  result: DecodeResult;
}

/** A real OTLP/HTTP endpoint on 127.0.0.1:0 that decodes with our code and answers per the spec. */
let server: Server;
let url = '';
const captured: Captured[] = [];
let answerBadRequest = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const format: OtlpFormat = req.headers['content-type'] === 'application/json' ? 'json' : 'protobuf';
        const type = format === 'json' ? 'application/json' : 'application/x-protobuf';
        if (answerBadRequest) {
          res.writeHead(400, { 'content-type': type }).end(encodeStatus(format, { code: 3, message: 'bad data' }));
          return;
        }
        const body = await decodeContentEncoding(Buffer.concat(chunks), req.headers['content-encoding'], 4 * 1024 * 1024);
        const result = format === 'json' ? decodeJsonTraces(new TextDecoder().decode(body)) : decodeProtobufTraces(body);
        captured.push({ headers: req.headers, result });
        res.writeHead(200, { 'content-type': type }).end(encodeExportResponse(format, null));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<number> {
  return new Promise((resolve) => exporter.export(spans, (r) => resolve(r.code)));
}

const exporters = {
  'http/protobuf': (compression: 'gzip' | 'none') => new ProtoExporter({ url, compression: compression as never }),
  'http/json': (compression: 'gzip' | 'none') => new HttpJsonExporter({ url, compression: compression as never }),
};

describe('the official OTLP/HTTP exporters against our decoder', () => {
  for (const [protocol, make] of Object.entries(exporters)) {
    for (const compression of ['none', 'gzip'] as const) {
      it(`decodes every field sent by ${protocol} with compression ${compression}`, async () => {
        const spans = recordSpans(2);
        const exporter = make(compression);
        captured.length = 0;
        expect(await exportWith(exporter, spans)).toBe(0); // ExportResultCode.SUCCESS
        await exporter.shutdown();
        expect(captured).toHaveLength(1);
        const { headers, result } = captured[0]!;
        expect(headers['content-type']).toBe(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
        expect(headers['content-encoding']).toBe(compression === 'gzip' ? 'gzip' : undefined);
        expect(result.rejected).toBe(0);
        expect(result.spans.map((s) => plain(s))).toEqual(spans.map((s) => plain(expectedSpan(s))));
      });
    }
  }

  it('makes the exporter give up (not retry) when we answer 400 with a google.rpc.Status', async () => {
    answerBadRequest = true;
    try {
      const exporter = exporters['http/protobuf']('none');
      expect(await exportWith(exporter, recordSpans())).toBe(1); // ExportResultCode.FAILED
      await exporter.shutdown();
    } finally {
      answerBadRequest = false;
    }
  });
});
