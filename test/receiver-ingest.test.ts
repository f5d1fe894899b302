import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAttributes, emitSpans } from './support/genai-spans.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

interface UsageBody {
  rows: Array<Record<string, string | number>>;
}

const RANGE = 'from=2020-01-01&to=2100-01-01';

async function usage(r: TestReceiver, query = `${RANGE}&group_by=client`): Promise<UsageBody> {
  const res = await fetch(`${r.url}/api/v1/usage?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as UsageBody;
}

/** An OTLP/JSON request body with one span per entry (ids hex, as the spec's JSON mapping says). */
function jsonRequest(spans: Array<{ traceId: string; spanId: string; attributes: Record<string, string | number> }>): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-app' } }] },
        scopeSpans: [
          {
            scope: { name: 'hand-written' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              name: 'chat gpt-4o',
              kind: 3,
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + 1_000_000_000n),
              attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } })),
            })),
          },
        ],
      },
    ],
  });
}

const chatJson = (n: number, client = 'acme') => ({
  'gen_ai.provider.name': 'openai',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 500,
  'gen_ai.usage.output_tokens': 200,
  'tokenledger.client.id': client,
  n,
});

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

describe('POST /v1/traces with the official exporters', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('ingest_exporters');
  });
  afterAll(async () => r.stop());

  it('stores spans sent by the protobuf exporter, gzip or not, priced exactly', async () => {
    await emitSpans(new ProtoExporter({ url: `${r.url}/v1/traces` }), [{ attributes: chatAttributes() }, { attributes: chatAttributes({ 'tokenledger.client.id': 'globex' }) }]);
    await emitSpans(new ProtoExporter({ url: `${r.url}/v1/traces`, compression: 'gzip' as never }), [{ attributes: chatAttributes() }]);
    const body = await usage(r);
    expect(body.rows.map((row) => [row.client, row.calls, row.input_tokens, row.output_tokens, row.cost_usd])).toEqual([
      ['acme', 2, 1000, 400, '0.006500000'],
      ['globex', 1, 500, 200, '0.003250000'],
    ]);
    const rows = await r.db.queryRows<Record<string, string>>(`SELECT app, environment, provider, request_model, response_model, price_key, cost_nanos, scope_name FROM ${r.db.name}.llm_calls WHERE client_id = 'globex'`);
    expect(rows).toEqual([
      { app: 'test-app', environment: 'test', provider: 'openai', request_model: 'gpt-4o', response_model: 'gpt-4o-2024-08-06', price_key: expect.stringContaining('gpt-4o') as unknown as string, cost_nanos: '3250000', scope_name: '@tokenledger/otel' },
    ]);
  });

  it('stores spans sent by the JSON exporter', async () => {
    await emitSpans(new JsonExporter({ url: `${r.url}/v1/traces` }), [{ attributes: chatAttributes({ 'tokenledger.client.id': 'initech' }) }]);
    const body = await usage(r, `${RANGE}&client=initech`);
    expect(body.rows).toEqual([
      { client: 'initech', calls: 1, input_tokens: 500, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 200, reasoning_tokens: 0, cost_usd: '0.003250000', unpriced_calls: 0, unmetered_calls: 0 },
    ]);
  });
});

describe('POST /v1/traces answers per the OTLP/HTTP spec', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('ingest_status', { receiver: { maxBodyBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024 } });
  });
  afterAll(async () => r.stop());

  const post = (body: string | Uint8Array, headers: Record<string, string>) => fetch(`${r.url}/v1/traces`, { method: 'POST', body, headers });

  it('415 for another media type', async () => {
    const res = await post('hello', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 415 });
  });

  it('400 with a google.rpc.Status for an undecodable protobuf body', async () => {
    const res = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('400 for malformed JSON', async () => {
    const res = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 400 });
  });

  it('413 over the body limit, and for a gzip bomb, without unpacking it', async () => {
    expect((await post(new Uint8Array(65 * 1024), { 'content-type': 'application/x-protobuf' })).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    expect((await post(bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' })).status).toBe(413);
  });

  it('413 for a chunked body (no Content-Length) once it passes the limit, and goes on serving', async () => {
    const chunks = Array.from({ length: 40 }, () => new Uint8Array(4 * 1024));
    const body = new ReadableStream<Uint8Array>({ pull: (c) => (chunks.length ? c.enqueue(chunks.pop()!) : c.close()) });
    const res = await fetch(`${r.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    // A google.rpc.Status in protobuf, the request's encoding: its message field holds the text.
    expect(Buffer.from(await res.arrayBuffer()).toString('latin1')).toContain('request body is over the 65536-byte limit');
    const ok = await post(jsonRequest([{ traceId: hex(9, 32), spanId: hex(9, 16), attributes: chatJson(1, 'after-413') }]), { 'content-type': 'application/json' });
    expect(ok.status).toBe(200);
  });

  it('partial success: a bad span is reported, its neighbours are stored', async () => {
    const body = jsonRequest([
      { traceId: hex(1, 32), spanId: hex(1, 16), attributes: chatJson(1, 'partial') },
      { traceId: hex(1, 32), spanId: hex(2, 16), attributes: { ...chatJson(2, 'partial'), 'gen_ai.usage.input_tokens': -5 } },
      { traceId: hex(1, 32), spanId: hex(3, 16), attributes: chatJson(3, 'partial') },
    ]);
    const res = await post(body, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/input_tokens/);
    expect((await usage(r, `${RANGE}&client=partial`)).rows[0]).toMatchObject({ calls: 2, cost_usd: '0.006500000' });
  });

  it('bills the same batch sent three times once', async () => {
    const body = jsonRequest([1, 2, 3, 4].map((i) => ({ traceId: hex(2, 32), spanId: hex(i, 16), attributes: chatJson(i, 'retry') })));
    for (let i = 0; i < 3; i++) expect((await post(body, { 'content-type': 'application/json' })).status).toBe(200);
    expect((await usage(r, `${RANGE}&client=retry`)).rows[0]).toMatchObject({ calls: 4, cost_usd: '0.013000000' });
    const [daily] = await r.db.queryRows<{ calls: string }>(`SELECT sum(calls) AS calls FROM ${r.db.name}.llm_usage_daily WHERE client_id = 'retry'`);
    expect(daily).toEqual({ calls: '4' });
  });

  it('keeps every span of concurrent senders, once', async () => {
    const senders = Array.from({ length: 8 }, (_, s) =>
      (async () => {
        for (let req = 0; req < 10; req++) {
          const spans = Array.from({ length: 25 }, (_, i) => ({ traceId: hex(1000 + s, 32), spanId: hex(req * 100 + i + 1, 16), attributes: chatJson(i, 'concurrent') }));
          const res = await post(jsonRequest(spans), { 'content-type': 'application/json' });
          expect(res.status).toBe(200);
        }
      })(),
    );
    await Promise.all(senders);
    expect((await usage(r, `${RANGE}&client=concurrent`)).rows[0]).toMatchObject({ calls: 2000, input_tokens: 1_000_000, cost_usd: '6.500000000' });
  });
});
