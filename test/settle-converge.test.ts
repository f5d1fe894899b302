import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { holdLease, settle, type LeaseOptions, type SettleInstance } from '../packages/receiver/src/settle/index.js';
import { startServer, type RunningServer } from '../packages/receiver/src/server/start-server.js';
import { defaultPlugins } from '../packages/receiver/src/server/default-plugins.js';
import { clickhouseUrl } from './support/clickhouse.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { postTrace, type JsonSpan } from './support/trace-json.js';

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 - 600_000);
const chat = (client?: string) => ({
  'gen_ai.provider.name': 'openai',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 500,
  'gen_ai.usage.output_tokens': 200,
  ...(client && { 'tokenledger.client.id': client }),
});
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const YAML = `settle:
  enabled: false
  lease_seconds: 4
pricing:
  overrides:
    - { model: gpt-4o, provider: openai, client: negotiated-co, input_per_mtok: 1, output_per_mtok: 4 }
`;

describe('the rollup converges to the billed calls', () => {
  let r: TestReceiver;
  let second: RunningServer;
  let proxy: FaultProxy;
  const store = () => r.server.receiver.store;
  const run = (s: StoreClient = store()) => settle(s, { now: new Date(), windowMs: 3_600_000, pricer: r.server.receiver.pricer, convergeMs: 200 });
  const rollup = async (client: string) =>
    (await r.db.queryRows<{ calls: string; cost: string }>(`SELECT toString(sum(calls)) AS calls, toString(sum(cost_nanos)) AS cost FROM ${r.db.name}.llm_usage_daily WHERE client_id = '${client}'`))[0];
  const billed = async (client: string) =>
    (await r.db.queryRows<{ calls: string; cost: string }>(`SELECT toString(count()) AS calls, toString(sum(cost_nanos)) AS cost FROM ${r.db.name}.llm_calls FINAL WHERE duplicate_of = '' AND client_id = '${client}'`))[0];

  beforeAll(async () => {
    // Both receivers reach ClickHouse through a proxy that holds inserts into llm_calls for 300 ms,
    // so each runs its already-stored check before either insert lands: the race, every time.
    proxy = await startFaultProxy(clickhouseUrl());
    proxy.inject((req) => (/^INSERT INTO \S+\.llm_calls\b/.test(req.query) ? { delayMs: 300 } : null));
    r = await startTestReceiver('converge', { yaml: YAML, clickhouseUrl: proxy.url });
    second = await startServer({ ...r.config }, { write: () => undefined }, { plugins: defaultPlugins });
  });
  afterAll(async () => {
    await second.stop();
    await r.stop();
    await proxy.close();
  });

  it('counts a batch that two receivers stored at once a single time after settle', async () => {
    const client = 'race';
    const spans: JsonSpan[] = Array.from({ length: 20 }, () => ({ traceId: hex(16), spanId: hex(8), name: 'chat', kind: 3, scope: 'app', start: NOW, attributes: chat(client) }));
    await Promise.all([postTrace(r.url, spans), postTrace(second.url, spans)]);
    const [raw] = await r.db.queryRows<{ n: string }>(`SELECT toString(count()) AS n FROM ${r.db.name}.llm_calls WHERE client_id = '${client}'`);
    expect(raw!.n).toBe('40');
    expect(await billed(client)).toEqual({ calls: '20', cost: '65000000' });
    expect(await rollup(client)).toEqual({ calls: '40', cost: '130000000' });
    expect((await run()).corrected).toBeGreaterThan(0);
    expect(await rollup(client)).toEqual({ calls: '20', cost: '65000000' });
    expect((await run()).corrected).toBe(0);
    expect(await rollup(client)).toEqual({ calls: '20', cost: '65000000' });
  });

  it('heals the rollup when a run dies between writing call revisions and correcting the rollup', async () => {
    const traceId = hex(16);
    await postTrace(r.url, [
      { traceId, spanId: 'a'.repeat(16), name: 'POST /chat', kind: 2, scope: 'http', start: NOW, attributes: { 'tokenledger.client.id': 'crash-co' } },
      { traceId, spanId: 'b'.repeat(16), parentSpanId: 'a'.repeat(16), name: 'chat', kind: 3, scope: 'app', start: NOW, attributes: chat() },
    ]);
    // The process "dies" at its rollup write: every insert into llm_usage_daily fails.
    const real = store();
    const dying: StoreClient = { ...real, database: real.database, insertRows: (table, rows) => (table.endsWith('.llm_usage_daily') ? Promise.reject(new Error('killed')) : real.insertRows(table, rows)) };
    await expect(run(dying)).rejects.toThrow('killed');
    expect(await billed('crash-co')).toEqual({ calls: '1', cost: '3250000' });
    expect(await rollup('crash-co')).toEqual({ calls: '0', cost: '0' });
    const next = await run();
    expect(next.changed).toBe(0);
    expect(await rollup('crash-co')).toEqual({ calls: '1', cost: '3250000' });
    expect(await rollup('')).toEqual(await billed(''));
  });

  it("prices a call that inherits its client with that client's own override", async () => {
    const traceId = hex(16);
    await postTrace(r.url, [
      { traceId, spanId: 'c'.repeat(16), parentSpanId: 'd'.repeat(16), name: 'chat', kind: 3, scope: 'app', start: NOW, attributes: chat() },
      { traceId, spanId: 'd'.repeat(16), name: 'POST /chat', kind: 2, scope: 'http', start: NOW, attributes: { 'tokenledger.client.id': 'negotiated-co' } },
    ]);
    expect((await run()).inherited).toBe(1);
    // 500 input at $1/M + 200 output at $4/M, not the list $2.50/$10.
    expect(await billed('negotiated-co')).toEqual({ calls: '1', cost: '1300000' });
    expect(await rollup('negotiated-co')).toEqual({ calls: '1', cost: '1300000' });
    const [row] = await r.db.queryRows(`SELECT price_key, toString(input_cost_nanos) AS input, toString(output_cost_nanos) AS output FROM ${r.db.name}.llm_calls FINAL WHERE trace_id = '${traceId}'`);
    expect(row).toMatchObject({ input: '500000', output: '800000' });
  });

  it('counts a run that overran its slot in /metrics, and the next run resumes where it stopped', async () => {
    const traces = Array.from({ length: 100 }, () => hex(16));
    await postTrace(r.url, traces.flatMap((traceId): JsonSpan[] => [
      { traceId, spanId: 'e'.repeat(16), parentSpanId: 'f'.repeat(16), name: 'chat', kind: 3, scope: 'app', start: NOW, attributes: chat() },
      { traceId, spanId: 'f'.repeat(16), name: 'POST /chat', kind: 2, scope: 'http', start: NOW, attributes: { 'tokenledger.client.id': 'overrun-co' } },
    ]));
    const plugin = r.server.receiver.plugins.find((p): p is SettleInstance => 'runOnce' in p)!;
    // One trace a page: 100 traces and more (five queries a page) cannot all be read in what is left of a 4-second slot.
    let result = await plugin.runOnce({ pageTraces: 1, convergeMs: 1_500 });
    for (let attempt = 0; result.skipped && attempt < 8; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      result = await plugin.runOnce({ pageTraces: 1, convergeMs: 1_500 });
    }
    expect(result).toMatchObject({ skipped: false, overran: true });
    expect(result.next).not.toBe('');
    expect(await (await fetch(`${r.url}/metrics`)).text()).toContain('tokenledger_settle_runs_total{result="overran"} 1');
    // Runs only start in the first half of a slot: keep going until a run reaches the end of the window.
    // Ten traces a page from here on: resuming is what is tested, not how slowly one-trace pages go.
    const deadline = Date.now() + 90_000;
    for (let done = false; !done && Date.now() < deadline; ) {
      const next = await plugin.runOnce({ pageTraces: 10, convergeMs: 200 });
      done = !next.skipped && !next.overran;
      if (next.skipped) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await billed('overrun-co')).toEqual({ calls: '100', cost: '325000000' });
    expect(await rollup('overrun-co')).toEqual({ calls: '100', cost: '325000000' });
  }, 150_000);

  it('never lets settle run while reprice holds the lease, and settles again once it is released', async () => {
    const lease = (holder: string): LeaseOptions => ({ holder, seconds: 4, claimDelayMs: 300 });
    const hold = (await holdLease(store(), lease('reprice-a')))!;
    expect(hold).not.toBeNull();
    const during = [];
    for (let i = 0; i < 6; i++) {
      during.push((await settle(store(), { now: new Date(), windowMs: 3_600_000, pricer: r.server.receiver.pricer, lease: lease('receiver-b'), convergeMs: 200 })).skipped);
      expect(await hold.renew()).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(during).toEqual([true, true, true, true, true, true]);
    expect(await holdLease(store(), lease('reprice-c'))).toBeNull();
    await hold.release();
    let after = await settle(store(), { now: new Date(), windowMs: 3_600_000, pricer: r.server.receiver.pricer, lease: lease('receiver-b'), convergeMs: 200 });
    for (let attempt = 0; after.skipped && attempt < 8; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      after = await settle(store(), { now: new Date(), windowMs: 3_600_000, pricer: r.server.receiver.pricer, lease: lease('receiver-b'), convergeMs: 200 });
    }
    expect(after.skipped).toBe(false);
  });
});
