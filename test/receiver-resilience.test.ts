import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl } from './support/clickhouse.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function request(trace: number, spans: number, client: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const attrs = (n: number) => [
    { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '500' } },
    { key: 'gen_ai.usage.output_tokens', value: { intValue: '200' } },
    { key: 'tokenledger.client.id', value: { stringValue: client } },
    { key: 'n', value: { intValue: String(n) } },
  ];
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans: Array.from({ length: spans }, (_, i) => ({ traceId: hex(trace, 32), spanId: hex(i + 1, 16), name: 'chat gpt-4o', kind: 3, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1_000_000n), attributes: attrs(i) })) }] }],
  });
}

const json = { 'content-type': 'application/json' };

describe('ClickHouse going away and coming back', () => {
  let proxy: TcpProxy;
  let r: TestReceiver;
  beforeAll(async () => {
    proxy = await startTcpProxy(clickhouseUrl());
    r = await startTestReceiver('resilience', { clickhouseUrl: proxy.url });
  });
  afterAll(async () => {
    proxy.restore();
    await r.stop();
    await proxy.close();
  });

  it('answers 503 with Retry-After while down, loses nothing and doubles nothing once the exporter retries', async () => {
    const send = (trace: number) => fetch(`${r.url}/v1/traces`, { method: 'POST', headers: json, body: request(trace, 10, 'outage') });
    expect((await send(1)).status).toBe(200);
    proxy.cut();
    const during = await send(2);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('5');
    expect((await fetch(`${r.url}/readyz`)).status).toBe(503);
    proxy.restore();
    // The exporter retries what was refused, and replays what it is unsure of.
    expect((await send(2)).status).toBe(200);
    expect((await send(1)).status).toBe(200);
    expect((await fetch(`${r.url}/readyz`)).status).toBe(200);
    const [row] = await r.db.queryRows<{ calls: string; cost: string }>(`SELECT count() AS calls, toString(sum(cost_nanos)) AS cost FROM ${r.db.name}.llm_calls FINAL WHERE client_id = 'outage'`);
    expect(row).toEqual({ calls: '20', cost: '65000000' });
    const [daily] = await r.db.queryRows<{ calls: string }>(`SELECT sum(calls) AS calls FROM ${r.db.name}.llm_usage_daily WHERE client_id = 'outage'`);
    expect(daily).toEqual({ calls: '20' });
  });
});

describe('overload', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('overload', { receiver: { maxPendingRows: 15 } });
  });
  afterAll(async () => r.stop());

  it('refuses with 429 and Retry-After beyond the buffer limit instead of buffering', async () => {
    const send = (trace: number) => fetch(`${r.url}/v1/traces`, { method: 'POST', headers: json, body: request(trace, 10, 'overload') });
    const [a, b] = await Promise.all([send(1), send(2)]);
    expect([a.status, b.status].sort()).toEqual([200, 429]);
    expect((a.status === 429 ? a : b).headers.get('retry-after')).toBe('5');
  });
});

describe('authentication and health', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('auth', { env: { TOKENLEDGER_INGEST_TOKENS: 'ingest-1', TOKENLEDGER_API_TOKENS: 'admin-1,acme=acme-1', TOKENLEDGER_LISTEN_HOST: '127.0.0.1' } });
    await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { ...json, authorization: 'Bearer ingest-1' }, body: request(1, 2, 'acme') });
    await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { ...json, authorization: 'Bearer ingest-1' }, body: request(2, 3, 'globex') });
  });
  afterAll(async () => r.stop());

  const api = (path: string, token?: string) => fetch(`${r.url}/api/v1/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('401 without a valid token, on ingest and API', async () => {
    expect((await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: json, body: request(3, 1, 'x') })).status).toBe(401);
    expect((await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { ...json, authorization: 'Bearer admin-1' }, body: request(3, 1, 'x') })).status).toBe(401);
    const res = await api('usage?from=2020-01-01&to=2100-01-01');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'a valid bearer token is required' } });
  });

  it('a scoped token reads only its client; others are 403', async () => {
    const own = await api('usage?from=2020-01-01&to=2100-01-01', 'acme-1');
    expect(((await own.json()) as { rows: unknown[] }).rows).toEqual([expect.objectContaining({ client: 'acme', calls: 2 })]);
    expect((await api('usage?from=2020-01-01&to=2100-01-01&client=globex', 'acme-1')).status).toBe(403);
    expect((await api('export?from=2020-01-01&to=2100-01-01&client=globex', 'acme-1')).status).toBe(403);
    const all = await api('usage?from=2020-01-01&to=2100-01-01', 'admin-1');
    expect(((await all.json()) as { rows: Array<{ client: string }> }).rows.map((x) => x.client)).toEqual(['acme', 'globex']);
  });

  it('400 naming the bad query parameter', async () => {
    const res = await api('usage?from=yesterday&to=2100-01-01&group_by=client,colour', 'admin-1');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/from/);
  });

  it('healthz, readyz and Prometheus metrics', async () => {
    expect(await (await fetch(`${r.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${r.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toMatch(/tokenledger_spans_total\{outcome="billed"\} 5/);
    expect(metrics).toMatch(/tokenledger_otlp_requests_total\{status="401"\} 2/);
    expect(metrics).toMatch(/tokenledger_queue_rows 0/);
    expect(metrics).toMatch(/tokenledger_spans_received_total 5/);
    expect(metrics).toMatch(/tokenledger_insert_duration_seconds_count\{result="ok"\} \d+/);
  });

  it('exports per-call CSV with tags and money in USD', async () => {
    const res = await api('export?from=2020-01-01&to=2100-01-01&client=acme', 'admin-1');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await res.text()).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('cost_usd');
    expect(lines[1]).toContain(',0.003250000,');
  });
});
