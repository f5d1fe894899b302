/**
 * End to end ingest: spans/s from OTLP protobuf requests (bytes made by the official serializer)
 * to rows in ClickHouse, through the real server in a process of its own (HTTP, decode,
 * normalize, price, already-stored check, batched insert, the default plugins), fed by 32
 * concurrent senders in another process. Baseline, measured in the same rounds: the same rows
 * inserted straight into the same ClickHouse with @clickhouse/client, in batches of the same
 * size, one insert at a time, as JSONEachRow objects (the client's usual form) and as the
 * TabSeparated bytes the receiver writes. Rounds alternate the three, each into a fresh database
 * dropped after it; medians are reported. Then a sustained run samples the receiver's heap and
 * RSS to show memory stays flat.
 */
import { createClient } from '@clickhouse/client';
import { execFile, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import { decodeProtobufTraces } from '../packages/receiver/src/otlp/index.js';
import { normalizeSpan } from '../packages/receiver/src/normalize/index.js';
import { priceCall } from '../packages/receiver/src/ingest/price-call.js';
import { spansToRows } from '../packages/receiver/src/ingest/spans-to-rows.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { insertCalls, type CallRow } from '../packages/receiver/src/store/llm-calls.js';
import type { DecodedSpan } from '../packages/receiver/src/otlp/decoded-span.js';
import { protobufRequests } from '../test/support/otlp-requests.js';

const URL_CH = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const REQUESTS = 200;
const SPANS = 500;
const SENDERS = 32;
const BATCH_ROWS = 5_000;
const ROUNDS = 5;
/** Requests sent to each receiver before it is measured (JIT warm-up); their spans have other ids. */
const WARMUP_REQUESTS = 20;

/** The request bodies, length-prefixed in one file for the sender process. */
export function requestsFile(bodies: Uint8Array[]): string {
  const file = join(tmpdir(), `tl-bench-${process.pid}-${bodies.length}.bin`);
  const framed = bodies.flatMap((b) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.byteLength);
    return [length, b];
  });
  writeFileSync(file, Buffer.concat(framed));
  return file;
}

/** Sends from a child process, as exporters on other hosts would: the receiver's process does receiver work only. */
async function send(url: string, file: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const sender = fileURLToPath(new URL('./ingest-sender.mjs', import.meta.url));
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [sender, file, url, String(SENDERS)], { maxBuffer: 1 << 20 }, (err, out) => (err ? reject(err) : resolve(out)));
  });
  return JSON.parse(stdout) as { seconds: number; cpuSeconds: number };
}

const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ, the unit of /proc/<pid>/stat times

/** CPU seconds used so far by the private ClickHouse of scripts/clickhouse.sh; NaN for any other server. */
function clickhouseCpu(): number {
  if (process.env.CLICKHOUSE_URL) return Number.NaN;
  try {
    const pid = readFileSync(new URL('../.clickhouse/server.pid', import.meta.url), 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

interface ReceiverProcess {
  url: string;
  start(): void;
  /** Heap and RSS after a full collection. */
  memory(): Promise<{ heapMiB: number; rssMiB: number }>;
  /** Stores what was accepted and exits: its CPU seconds since `start`, and the inserts it made. */
  stop(): Promise<{ cpuSeconds: number; inserts: number }>;
}

async function startReceiver(database: string): Promise<ReceiverProcess> {
  const child = fork(fileURLToPath(new URL('./ingest-receiver.ts', import.meta.url)), [database, String(BATCH_ROWS)], {
    env: { ...process.env, CLICKHOUSE_URL: URL_CH },
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  let failed: ((err: Error) => void) | undefined;
  child.once('exit', (code) => failed?.(new Error(`the receiver exited with ${code}`)));
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      failed = reject;
      child.once('message', (m) => resolve(m as T));
    });
  const { url } = await next<{ url: string }>();
  const ask = <T>(message: string) => {
    const answer = next<T>();
    child.send(message);
    return answer;
  };
  return { url, start: () => child.send('start'), memory: () => ask('memory'), stop: () => ask('stop') };
}

/** One measured run of a fresh receiver, warmed up first (JIT, connections) with `warmup`'s spans. */
export async function receiverRun(file: string, warmup: string, database: string) {
  const receiver = await startReceiver(database);
  await send(receiver.url, warmup);
  receiver.start();
  const clickhouseBefore = clickhouseCpu();
  const sent = await send(receiver.url, file);
  const clickhouse = clickhouseCpu() - clickhouseBefore;
  const report = await receiver.stop();
  return { seconds: sent.seconds, cpu: { receiver: report.cpuSeconds, clickhouse, sender: sent.cpuSeconds }, batches: report.inserts };
}

/** Straight inserts of precomputed rows, in the client's JSON form or as TabSeparated bytes. */
async function baselineRun(rows: CallRow[], database: string, format: 'JSONEachRow' | 'TabSeparated') {
  const config = await loadConfig({ env: { CLICKHOUSE_URL: URL_CH, CLICKHOUSE_DATABASE: database } });
  const store = createStoreClient(config.clickhouse);
  await migrate(store, { database, cluster: null });
  const client = createClient({ url: URL_CH });
  const cpuBefore = process.cpuUsage();
  const clickhouseBefore = clickhouseCpu();
  const started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    const batch = rows.slice(i, i + BATCH_ROWS);
    if (format === 'JSONEachRow') await client.insert({ table: `${database}.llm_calls`, values: batch, format });
    else await insertCalls(store, batch);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = { node: cpuSeconds(cpuBefore), clickhouse: clickhouseCpu() - clickhouseBefore };
  await client.close();
  await store.close();
  return { seconds, cpu };
}

/** Heap / RSS of one receiver after each of `rounds` rounds of fresh spans. */
async function sustained(database: string, rounds: number): Promise<string[]> {
  const receiver = await startReceiver(database);
  const samples: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const file = requestsFile(protobufRequests(40, SPANS)); // fresh ids each round: all new rows
    await send(receiver.url, file);
    unlinkSync(file);
    const { heapMiB, rssMiB } = await receiver.memory();
    samples.push(`${heapMiB}/${rssMiB}`);
  }
  await receiver.stop();
  return samples;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en');
/** Receiver throughput as a share of a baseline's, from their times for the same spans. */
const percent = (baselineSeconds: number, receiverSeconds: number) => `${Math.round((baselineSeconds / receiverSeconds) * 100)}%`;
const cpuText = (cpu: Record<string, number>) => Object.entries(cpu).map(([who, s]) => `${who} ${s.toFixed(2)}`).join(', ');

export async function run(): Promise<void> {
  const tag = randomBytes(3).toString('hex');
  const dbs: string[] = [];
  const database = (what: string) => {
    dbs.push(`tl_bench_${what}_${tag}_${dbs.length}`);
    return dbs.at(-1)!;
  };
  const admin = createClient({ url: URL_CH });
  // Dropped as soon as a run is measured, so its background merges do not slow the next run.
  const dropAll = async () => {
    for (const db of dbs.splice(0)) await admin.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  };
  const bodies = protobufRequests(REQUESTS, SPANS);
  const spans = REQUESTS * SPANS;
  const file = requestsFile(bodies);
  const warmup = requestsFile(protobufRequests(WARMUP_REQUESTS, SPANS));
  const pricer = buildPricer(await loadConfig({ env: { CLICKHOUSE_URL: URL_CH } }));
  const stages = { normalize: (s: DecodedSpan) => normalizeSpan(s, { extraClientKeys: [] }), price: priceCall(pricer) };
  const rows: CallRow[] = [];
  for (const body of bodies) spansToRows(decodeProtobufTraces(body), stages, new Date(), { add: (row) => rows.push(row) });
  const mb = bodies.reduce((n, b) => n + b.byteLength, 0) / 2 ** 20;
  console.log(`workload: ${REQUESTS} requests x ${SPANS} spans (${mb.toFixed(1)} MiB protobuf), ${SENDERS} concurrent senders in a separate process, batches of ${BATCH_ROWS}; ${ROUNDS} rounds, each: JSONEachRow baseline, TabSeparated baseline, receiver, each into a fresh database`);
  console.log('CPU seconds during each run (ClickHouse from /proc):');
  const times = { json: [] as number[], tsv: [] as number[], receiver: [] as number[] };
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const json = await baselineRun(rows, database('json'), 'JSONEachRow');
      const tsv = await baselineRun(rows, database('tsv'), 'TabSeparated');
      const recv = await receiverRun(file, warmup, database('recv'));
      times.json.push(json.seconds);
      times.tsv.push(tsv.seconds);
      times.receiver.push(recv.seconds);
      console.log(`round ${round}: JSONEachRow ${rate(spans, json.seconds)} rows/s (cpu: ${cpuText(json.cpu)})`);
      console.log(`round ${round}: TabSeparated ${rate(spans, tsv.seconds)} rows/s (cpu: ${cpuText(tsv.cpu)})`);
      console.log(`round ${round}: receiver ${rate(spans, recv.seconds)} spans/s in ${recv.batches} inserts (cpu: ${cpuText(recv.cpu)}); ${percent(json.seconds, recv.seconds)} of this round's JSONEachRow, ${percent(tsv.seconds, recv.seconds)} of its TabSeparated`);
      await dropAll();
    }
    const [recv, tsv, json] = [median(times.receiver), median(times.tsv), median(times.json)];
    console.log(`median receiver end to end: ${rate(spans, recv)} spans/s (${recv.toFixed(2)} s)`);
    console.log(`median baseline direct insert, JSONEachRow objects with @clickhouse/client: ${rate(spans, json)} rows/s (${json.toFixed(2)} s)`);
    console.log(`median baseline direct insert, TabSeparated bytes as the receiver writes them: ${rate(spans, tsv)} rows/s (${tsv.toFixed(2)} s)`);
    console.log(`ratio of the medians: ${percent(json, recv)} of the JSONEachRow baseline, ${percent(tsv, recv)} of the TabSeparated one`);
    const samples = await sustained(database('sustained'), 10);
    console.log(`sustained run, 10 rounds x 20,000 spans (heap / RSS after each round, MiB): ${samples.join(' ')}`);
  } finally {
    unlinkSync(file);
    unlinkSync(warmup);
    await dropAll();
    await admin.close();
  }
}
