import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../packages/receiver/src/cli/main.js';
import { settle, type SettleInstance, type SettleResult } from '../packages/receiver/src/settle/index.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { postTrace, type JsonSpan } from './support/trace-json.js';

const RANGE = 'from=2020-01-01&to=2100-01-01';
// Span times an hour back, to the minute: a trace whose spans left the app minutes apart.
const T0 = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const trace = (n: number) => n.toString(16).padStart(32, '0');
const span = (n: number) => n.toString(16).padStart(16, '0');

const chat = (input: number, output: number, extra: Record<string, string | number> = {}) => ({
  'gen_ai.provider.name': 'openai',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  ...extra,
});

function call(t: number, s: number, parent: number | null, scope: string, attributes: Record<string, string | number>, start: Date, kind = 3): JsonSpan {
  return { traceId: trace(t), spanId: span(s), ...(parent !== null && { parentSpanId: span(parent) }), name: 'chat gpt-4o', kind, scope, start, attributes };
}

describe('settle: one call, one bill, attributed through the trace', () => {
  let r: TestReceiver;
  const run = () => settle(r.server.receiver.store, { now: new Date(), windowMs: 60 * 60_000, pricer: r.server.receiver.pricer, convergeMs: 100 });
  const usage = async (): Promise<Record<string, [number, string]>> => {
    const body = (await (await fetch(`${r.url}/api/v1/usage?${RANGE}&group_by=client`)).json()) as { rows: Array<{ client: string; calls: number; cost_usd: string }> };
    return Object.fromEntries(body.rows.map((row) => [row.client, [row.calls, row.cost_usd]]));
  };
  const row = async (s: number) =>
    (await r.db.queryRows<Record<string, string>>(`SELECT client_id, client_key, duplicate_of, toString(revision) AS revision FROM ${r.db.name}.llm_calls FINAL WHERE span_id = '${span(s)}'`))[0];

  beforeAll(async () => {
    r = await startTestReceiver('settle', { yaml: 'attribution:\n  client_keys: [traceloop.association.properties.customer_id]\nsettle:\n  enabled: false\n' });
  });
  afterAll(async () => r.stop());

  it('inherits the client from an HTTP server span that arrives after the call, through an untagged span between', async () => {
    await postTrace(r.url, [
      call(1, 0x13, 0x12, '@opentelemetry/instrumentation-openai', { ...chat(500, 200), 'gen_ai.system': 'openai' }, at(0.1)),
      { traceId: trace(1), spanId: span(0x12), parentSpanId: span(0x11), name: 'summarize', scope: 'app', start: at(0.05), attributes: {} },
    ]);
    await run();
    expect(await row(0x13)).toEqual({ client_id: '', client_key: '', duplicate_of: '', revision: '0' });
    // Minutes later (span time) and in another request: the server span a middleware tagged.
    await postTrace(r.url, [
      { traceId: trace(1), spanId: span(0x11), name: 'POST /summarize', kind: 2, scope: '@opentelemetry/instrumentation-http', start: at(0), attributes: { 'traceloop.association.properties.customer_id': 'inherit-co' } },
    ]);
    expect((await run()).inherited).toBe(1);
    expect(await row(0x13)).toEqual({ client_id: 'inherit-co', client_key: 'inherited:traceloop.association.properties.customer_id', duplicate_of: '', revision: '1' });
    expect((await usage())['inherit-co']).toEqual([1, '0.003250000']);
    expect((await usage())['']).toBeUndefined();
  });

  it('bills LangChain over OpenAI once when the two spans arrive in requests minutes apart', async () => {
    const lc = { ...chat(500, 200), 'tokenledger.client.id': 'lc-co' };
    await postTrace(r.url, [call(2, 0x21, null, '@traceloop/instrumentation-langchain', lc, at(0))]);
    await run();
    expect((await usage())['lc-co']).toEqual([1, '0.003250000']); // alone, the wrapper is the bill
    await postTrace(r.url, [call(2, 0x22, 0x21, '@traceloop/instrumentation-openai', lc, at(4))]);
    await run();
    expect((await usage())['lc-co']).toEqual([1, '0.003250000']);
    expect(await row(0x21)).toEqual({ client_id: 'lc-co', client_key: 'tokenledger.client.id', duplicate_of: span(0x22), revision: '1' });
    expect((await row(0x22))!.duplicate_of).toBe('');
  });

  it('bills one call per response id when two instrumentations record it, keeping the one that reports the cache', async () => {
    const id = { 'gen_ai.response.id': 'chatcmpl-same-1', 'tokenledger.client.id': 'resp-co' };
    await postTrace(r.url, [
      call(3, 0x31, null, 'app', {}, at(0), 2),
      // Official instrumentation: no cached tokens. Ours: 1920 of 2006 input were cache reads.
      call(3, 0x32, 0x31, '@opentelemetry/instrumentation-openai', { ...chat(2006, 300), ...id }, at(0.1)),
      call(3, 0x33, 0x31, '@tokenledger/otel', { ...chat(2006, 300, { 'gen_ai.usage.cache_read.input_tokens': 1920 }), ...id }, at(0.1)),
    ]);
    await run();
    expect(await row(0x32)).toMatchObject({ duplicate_of: span(0x33) });
    // 86 uncached x $2.50/M + 1920 cached x $1.25/M + 300 out x $10/M
    expect((await usage())['resp-co']).toEqual([1, '0.005615000']);
  });

  it('does not bill an agent span that carries its children\'s totals', async () => {
    const c = { 'tokenledger.client.id': 'agent-co' };
    await postTrace(r.url, [call(4, 0x42, 0x41, '@tokenledger/otel', { ...chat(500, 200), ...c }, at(1)), call(4, 0x43, 0x41, '@tokenledger/otel', { ...chat(300, 100), ...c }, at(2))]);
    // The framework's agent span: no operation name, usage = the sum of its two model calls.
    await postTrace(r.url, [
      { traceId: trace(4), spanId: span(0x41), name: 'agent.run', kind: 1, scope: 'my-agent-framework', start: at(0), attributes: { 'gen_ai.usage.input_tokens': 800, 'gen_ai.usage.output_tokens': 300, 'gen_ai.request.model': 'gpt-4o', ...c } },
    ]);
    await run();
    expect(await row(0x41)).toMatchObject({ duplicate_of: span(0x42) });
    // 800 in x $2.50/M + 300 out x $10/M
    expect((await usage())['agent-co']).toEqual([2, '0.005000000']);
  });

  it('keeps the rollup equal to the billed raw calls, per client', async () => {
    const rollup = await r.db.queryRows(`SELECT client_id, toString(sum(calls)) AS n, toString(sum(cost_nanos)) AS cost FROM ${r.db.name}.llm_usage_daily GROUP BY client_id HAVING n != '0' ORDER BY client_id`);
    const raw = await r.db.queryRows(`SELECT client_id, toString(count()) AS n, toString(sum(cost_nanos)) AS cost FROM ${r.db.name}.llm_calls FINAL WHERE duplicate_of = '' GROUP BY client_id ORDER BY client_id`);
    expect(rollup).toEqual(raw);
    expect(raw.map((x) => (x as { client_id: string }).client_id)).toEqual(['agent-co', 'inherit-co', 'lc-co', 'resp-co']);
  });

  it('changes nothing when run twice, and leaves traces outside the window alone', async () => {
    const count = async () => (await r.db.queryRows<{ n: string }>(`SELECT toString(count()) AS n FROM ${r.db.name}.llm_calls`))[0]!.n;
    const before = await count();
    const again = await run();
    expect(again).toMatchObject({ changed: 0, inherited: 0, duplicates: 0 });
    expect(again.traces).toBe(4);
    expect(await count()).toBe(before);
    const later = await settle(r.server.receiver.store, { now: new Date(Date.now() + 3 * 3_600_000), windowMs: 60 * 60_000, pricer: r.server.receiver.pricer, convergeMs: 100 });
    expect(later).toEqual({ skipped: false, overran: false, next: null, pages: 0, traces: 0, calls: 0, changed: 0, inherited: 0, duplicates: 0, corrected: 0 });
  });
});

describe('settle with several receivers on one database', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('settle_lease', { yaml: 'settle:\n  enabled: false\n' });
  });
  afterAll(async () => r.stop());

  it('lets one of two concurrent runs settle, so the rollup difference is written once', async () => {
    const lc = { ...chat(500, 200), 'tokenledger.client.id': 'lease-co' };
    await postTrace(r.url, [call(9, 0x91, null, '@traceloop/instrumentation-langchain', lc, at(0)), call(9, 0x92, 0x91, '@traceloop/instrumentation-openai', lc, at(1))]);
    const store = r.server.receiver.store;
    const run = (holder: string) => settle(store, { now: new Date(), windowMs: 3_600_000, lease: { holder, seconds: 4, claimDelayMs: 300 }, pricer: r.server.receiver.pricer, convergeMs: 100 });
    let results: SettleResult[] = [];
    // A run starts only in the first half of a 4-second slot; try again until one slot is taken.
    for (let attempt = 0; attempt < 8 && !results.some((x) => !x.skipped); attempt++) {
      results = await Promise.all([run('receiver-a'), run('receiver-b')]);
      expect(results.filter((x) => !x.skipped).length).toBeLessThanOrEqual(1);
      if (results.every((x) => x.skipped)) await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(results.filter((x) => !x.skipped)).toEqual([{ skipped: false, overran: false, next: null, pages: 1, traces: 1, calls: 2, changed: 1, inherited: 0, duplicates: 1, corrected: 1 }]);
    const [rollup] = await r.db.queryRows(`SELECT toString(sum(calls)) AS n, toString(sum(cost_nanos)) AS cost FROM ${r.db.name}.llm_usage_daily WHERE client_id = 'lease-co'`);
    expect(rollup).toEqual({ n: '1', cost: '3250000' });
  });
});

describe('tokenledger settle', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('settle_cli', { yaml: 'settle:\n  enabled: false\n' });
  });
  afterAll(async () => r.stop());

  const cli = async (args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-settle-'));
    writeFileSync(join(dir, 'tokenledger.yaml'), 'settle:\n  enabled: false\n  lease_seconds: 8\n');
    let out = '';
    const code = await main(['settle', ...args, '--config', join(dir, 'tokenledger.yaml')], {
      stdout: { write: (t) => void (out += t) },
      stderr: { write: (t) => void (out += t) },
      env: { CLICKHOUSE_URL: r.db.url, CLICKHOUSE_DATABASE: r.db.name },
      cwd: dir,
    });
    return [code, out];
  };

  it('settles once and says what it changed; a second run changes nothing', async () => {
    await postTrace(r.url, [
      { traceId: trace(7), spanId: span(0x71), name: 'GET /report', kind: 2, scope: 'http', start: at(0), attributes: { 'tokenledger.client.id': 'cli-co' } },
      call(7, 0x72, 0x71, '@opentelemetry/instrumentation-openai', { ...chat(500, 200), 'gen_ai.system': 'openai' }, at(0.1)),
    ]);
    expect(await cli([])).toEqual([0, 'settled: 1 traces, 1 calls; changed 1 (1 clients inherited, 0 repeats unbilled)\n']);
    expect(await cli(['--window-minutes', '120'])).toEqual([0, 'settled: 1 traces, 1 calls; changed 0 (0 clients inherited, 0 repeats unbilled)\n']);
    expect(await cli(['--window-minutes', '0'])).toEqual([2, 'tokenledger settle: --window-minutes must be a whole number of minutes, at least 1\n']);
  });
});

describe('settle inside serve', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('settle_plugin', { yaml: 'settle:\n  enabled: false\n  lease_seconds: 8\n' });
  });
  afterAll(async () => r.stop());

  it('runs as a receiver plugin under the lease and settles what was ingested', async () => {
    await postTrace(r.url, [
      { traceId: trace(8), spanId: span(0x81), name: 'POST /chat', kind: 2, scope: 'http', start: at(0), attributes: { 'tokenledger.client.id': 'plugin-co' } },
      call(8, 0x82, 0x81, '@opentelemetry/instrumentation-openai', { ...chat(500, 200), 'gen_ai.system': 'openai' }, at(0.1)),
    ]);
    const plugin = r.server.receiver.plugins.find((p): p is SettleInstance => 'runOnce' in p)!;
    let result = await plugin.runOnce();
    // The run waits its turn: only the first half of an 8-second lease slot starts one.
    for (let attempt = 0; result.skipped && attempt < 8; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      result = await plugin.runOnce();
    }
    expect(result).toEqual({ skipped: false, overran: false, next: null, pages: 1, traces: 1, calls: 1, changed: 1, inherited: 1, duplicates: 0, corrected: 2 });
    expect(plugin.lastError()).toBeNull();
    const body = (await (await fetch(`${r.url}/api/v1/usage?${RANGE}&client=plugin-co`)).json()) as { rows: Array<{ cost_usd: string }> };
    expect(body.rows.map((x) => x.cost_usd)).toEqual(['0.003250000']);
  });
});
