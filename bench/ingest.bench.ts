/**
 * End to end ingest: spans/s from OTLP protobuf requests (bytes made by the official serializer)
 * to rows in ClickHouse, through the real HTTP server, decode, normalize, price, dedupe check and
 * batched insert, against a baseline measured in the same run: the same rows inserted straight
 * into the same ClickHouse with @clickhouse/client in batches of the same size, both as the
 * receiver writes them (TabSeparated) and as JSONEachRow objects (the client's usual form).
 * Then a sustained run samples heap and RSS to show memory stays flat.
 */
import { createClient } from '@clickhouse/client';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import { decodeProtobufTraces } from '../packages/receiver/src/otlp/index.js';
import { normalizeSpan } from '../packages/receiver/src/normalize/index.js';
import { priceCall } from '../packages/receiver/src/ingest/price-call.js';
import { spansToRows } from '../packages/receiver/src/ingest/spans-to-rows.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import { startServer } from '../packages/receiver/src/server/start-server.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { insertCalls } from '../packages/receiver/src/store/llm-calls.js';
import { protobufRequests } from '../test/support/otlp-requests.js';

const URL_CH = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const REQUESTS = 200;
const SPANS = 500;
const SENDERS = 16;
const BATCH_ROWS = 5_000;

/** Sends from a child process, as exporters on other hosts would: the receiver's process does receiver work only. */
async function send(url: string, bodies: Uint8Array[]): Promise<number> {
  const file = join(tmpdir(), `tl-bench-${process.pid}.bin`);
  const framed = bodies.flatMap((b) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.byteLength);
    return [length, b];
  });
  writeFileSync(file, Buffer.concat(framed));
  const sender = fileURLToPath(new URL('./ingest-sender.mjs', import.meta.url));
  const seconds = await new Promise<number>((resolve, reject) => {
    execFile(process.execPath, [sender, file, url, String(SENDERS)], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(err);
      process.stdout.write(stderr);
      resolve(Number(stdout));
    });
  });
  unlinkSync(file);
  return seconds;
}

export async function receiverRun(bodies: Uint8Array[], database: string) {
  const config = await loadConfig({ env: { CLICKHOUSE_URL: URL_CH, CLICKHOUSE_DATABASE: database, PORT: '0' } });
  const server = await startServer(config, { write: () => undefined }, { maxBatchRows: BATCH_ROWS, maxWaitMs: 200 });
  const cpuBefore = process.cpuUsage();
  const seconds = await send(server.url, bodies);
  const cpu = process.cpuUsage(cpuBefore);
  console.log(`receiver cpu: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s over ${seconds.toFixed(2)} s`);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const busy = /tokenledger_insert_duration_seconds_sum\{result="ok"\} ([\d.]+)/.exec(metrics)?.[1];
  const batches = /tokenledger_insert_duration_seconds_count\{result="ok"\} (\d+)/.exec(metrics)?.[1];
  console.log(`receiver: ${batches} batches, ${Number(busy).toFixed(2)} s in flushes (already-stored check + insert, one flush at a time)`);
  await server.stop();
  return seconds;
}

/** Straight inserts of precomputed rows, in the client's JSON form or as TabSeparated text. */
export async function baselineRun(bodies: Uint8Array[], database: string, format: 'JSONEachRow' | 'TabSeparated') {
  const config = await loadConfig({ env: { CLICKHOUSE_URL: URL_CH, CLICKHOUSE_DATABASE: database } });
  const store = createStoreClient(config.clickhouse);
  await migrate(store, { database, cluster: null });
  const price = priceCall(buildPricer(config));
  const rows = bodies.flatMap((b) => spansToRows(decodeProtobufTraces(b), { normalize: (s) => normalizeSpan(s, { extraClientKeys: [] }), price }, new Date()).rows);
  const client = createClient({ url: URL_CH });
  const started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    const batch = rows.slice(i, i + BATCH_ROWS);
    if (format === 'JSONEachRow') await client.insert({ table: `${database}.llm_calls`, values: batch, format });
    else await insertCalls(store, batch);
  }
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  await store.close();
  return { seconds, rows: rows.length };
}

async function sustained(database: string, rounds: number) {
  const config = await loadConfig({ env: { CLICKHOUSE_URL: URL_CH, CLICKHOUSE_DATABASE: database, PORT: '0' } });
  const server = await startServer(config, { write: () => undefined }, { maxBatchRows: BATCH_ROWS, maxWaitMs: 200 });
  const samples: Array<{ round: number; heapMiB: number; rssMiB: number }> = [];
  for (let round = 1; round <= rounds; round++) {
    await send(server.url, protobufRequests(40, SPANS)); // fresh ids each round: all new rows
    global.gc?.();
    const m = process.memoryUsage();
    samples.push({ round, heapMiB: Math.round(m.heapUsed / 2 ** 20), rssMiB: Math.round(m.rss / 2 ** 20) });
  }
  await server.stop();
  return samples;
}

export async function run(): Promise<void> {
  const tag = randomBytes(3).toString('hex');
  const dbs = [`tl_bench_recv_${tag}`, `tl_bench_json_${tag}`, `tl_bench_tsv_${tag}`, `tl_bench_sus_${tag}`];
  const bodies = protobufRequests(REQUESTS, SPANS);
  const spans = REQUESTS * SPANS;
  const mb = bodies.reduce((n, b) => n + b.byteLength, 0) / 2 ** 20;
  try {
    const json = await baselineRun(bodies, dbs[1]!, 'JSONEachRow');
    const tsv = await baselineRun(bodies, dbs[2]!, 'TabSeparated');
    const recv = await receiverRun(bodies, dbs[0]!);
    const recvRate = spans / recv;
    const jsonRate = json.rows / json.seconds;
    const tsvRate = tsv.rows / tsv.seconds;
    console.log(`workload: ${REQUESTS} requests x ${SPANS} spans (${mb.toFixed(1)} MiB protobuf), ${SENDERS} concurrent senders in a separate process, batches of ${BATCH_ROWS}`);
    console.log(`receiver end to end : ${Math.round(recvRate).toLocaleString('en')} spans/s (${recv.toFixed(2)} s)`);
    console.log(`baseline direct insert, TabSeparated as the receiver writes: ${Math.round(tsvRate).toLocaleString('en')} rows/s (${tsv.seconds.toFixed(2)} s)`);
    console.log(`baseline direct insert, JSONEachRow objects: ${Math.round(jsonRate).toLocaleString('en')} rows/s (${json.seconds.toFixed(2)} s)`);
    console.log(`ratio: ${((recvRate / tsvRate) * 100).toFixed(0)}% of the TabSeparated baseline, ${((recvRate / jsonRate) * 100).toFixed(0)}% of the JSONEachRow one`);
    const samples = await sustained(dbs[3]!, 10);
    console.log(`sustained run, 10 rounds x 20,000 spans (heap / RSS after each round, MiB): ${samples.map((s) => `${s.heapMiB}/${s.rssMiB}`).join(' ')}`);
  } finally {
    const client = createClient({ url: URL_CH });
    for (const db of dbs) await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
    await client.close();
  }
}
