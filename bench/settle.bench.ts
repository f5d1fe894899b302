/**
 * The settle stage over a window of fresh traffic: T traces, each an HTTP server span tagged with
 * the client (a span_links row) over a framework span and the provider span with the same usage
 * (two calls, neither with a client of its own). One run inherits 2T clients and unbills T wrappers.
 * Baselines in the same run: `SELECT count() FROM llm_calls FINAL` over the same rows (the read a
 * run cannot avoid), and a second settle run over the same window (nothing left to change).
 */
import { randomBytes } from 'node:crypto';
import { createStoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { settle } from '../packages/receiver/src/settle/index.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import { dateTimeText, insertCalls } from '../packages/receiver/src/store/llm-calls.js';
import { insertLinks, type SpanLinkRow } from '../packages/receiver/src/store/span-links.js';
import { sampleRow } from '../test/support/sample-call-row.js';

const URL_CH = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const TRACES = 20_000;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

export async function run(): Promise<void> {
  const database = `tl_bench_settle_${randomBytes(4).toString('hex')}`;
  const store = createStoreClient({ url: URL_CH, username: 'default', password: '', database, cluster: null });
  await store.command(`CREATE DATABASE ${database}`);
  try {
    await migrate(store, { database, cluster: null });
    const pricer = buildPricer(await loadConfig({ env: {} }));
    const now = new Date();
    const text = dateTimeText(now);
    const links: SpanLinkRow[] = [];
    const calls = [];
    for (let t = 0; t < TRACES; t++) {
      const trace = t.toString(16).padStart(32, '0');
      links.push({ trace_id: trace, span_id: 'a'.repeat(16), parent_span_id: '', span_kind: 2, timestamp: text, client_id: `client-${t % 50}`, client_key: 'tokenledger.client.id', received_at: text });
      const common = { timestamp: text, received_at: text, trace_id: trace, client_id: '', client_key: '', response_id: '' };
      calls.push(sampleRow({ ...common, span_id: 'b'.repeat(16), parent_span_id: 'a'.repeat(16) }));
      calls.push(sampleRow({ ...common, span_id: 'c'.repeat(16), parent_span_id: 'b'.repeat(16) }));
    }
    for (let i = 0; i < calls.length; i += 10_000) await insertCalls(store, calls.slice(i, i + 10_000));
    await insertLinks(store, links);
    const [, scanMs] = await timed(() => store.queryRows(`SELECT count() FROM ${database}.llm_calls FINAL`));
    const [first, firstMs] = await timed(() => settle(store, { now: new Date(), windowMs: 3_600_000, pricer }));
    const [second, secondMs] = await timed(() => settle(store, { now: new Date(), windowMs: 3_600_000, pricer }));
    console.log(`| run | traces | calls | changed | ms | traces/s |\n|---|---|---|---|---|---|`);
    console.log(`| baseline: count() FROM llm_calls FINAL | — | ${calls.length} | — | ${scanMs.toFixed(0)} | — |`);
    console.log(`| settle, first run | ${first.traces} | ${first.calls} | ${first.changed} | ${firstMs.toFixed(0)} | ${Math.round((first.traces / firstMs) * 1000)} |`);
    console.log(`| settle, second run (no change) | ${second.traces} | ${second.calls} | ${second.changed} | ${secondMs.toFixed(0)} | ${Math.round((second.traces / secondMs) * 1000)} |`);
  } finally {
    await store.command(`DROP DATABASE IF EXISTS ${database}`);
    await store.close();
  }
}
