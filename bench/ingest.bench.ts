/**
 * End to end ingest: spans/s and acknowledgement latency from OTLP protobuf requests (bytes made
 * by the official serializer) to rows in ClickHouse, through the real server in a process of its
 * own (HTTP, decode, normalize, price, already-stored check, group-commit insert, the default
 * plugins), fed by another process with 1, 4 and 32 requests of 500 spans in flight (each sender
 * sends its next request when its previous one is answered, as a BatchSpanProcessor does).
 * Baselines, measured in the same rounds: the same rows inserted straight into the same
 * ClickHouse, one insert at a time: 5,000 rows per insert as JSONEachRow objects with
 * @clickhouse/client (the baseline) and as the receiver's TabSeparated bytes, and 500 rows
 * per insert (one request's rows) for the latency of a straight insert. Each run goes into a fresh
 * database dropped after its round; medians over rounds are reported. Then a sustained run at 1
 * in flight samples ClickHouse's active parts per partition and the receiver's heap and RSS.
 * INGEST_SUSTAINED_SECONDS sets its length (default 600, the 10 minutes).
 * INGEST_BENCH_PROF=<dir> writes a CPU profile of each receiver process there.
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
import type { CallRow } from '../packages/receiver/src/rows/llm-call-row.js';
import { insertCalls } from '../packages/receiver/src/store/llm-calls.js';
import type { DecodedSpan } from '../packages/receiver/src/otlp/decoded-span.js';
import { protobufRequests } from '../test/support/otlp-requests.js';

const URL_CH = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const REQUESTS = 200;
const SPANS = 500;
const LEVELS = [1, 4, 32];
const BATCH_ROWS = 5_000;
/** INGEST_ROUNDS=0 runs the sustained run alone. */
const ROUNDS = Number(process.env.INGEST_ROUNDS ?? 3);
/** Requests sent to each receiver before it is measured (JIT warm-up); their spans have other ids. */
const WARMUP_REQUESTS = 20;
const SUSTAINED_SECONDS = Number(process.env.INGEST_SUSTAINED_SECONDS ?? 600);

/** The request bodies, length-prefixed in one file for the sender process. */
export function requestsFile(bodies: Uint8Array[]): string {
  const file = join(tmpdir(), `tl-bench-${process.pid}-${randomBytes(3).toString('hex')}.bin`);
  const framed = bodies.flatMap((b) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.byteLength);
    return [length, b];
  });
  writeFileSync(file, Buffer.concat(framed));
  return file;
}

interface SendResult {
  seconds: number;
  cpuSeconds: number;
  requests: number;
  /** Requests answered 429/503 and sent again after Retry-After, as an exporter would. */
  retries: number;
  p50: number;
  p99: number;
}

/** Sends from a child process, as exporters on other hosts would: the receiver's process does receiver work only. */
async function send(url: string, file: string, inFlight: number, loop?: { seconds: number; offsetsFile: string }): Promise<SendResult> {
  const sender = fileURLToPath(new URL('./ingest-sender.mjs', import.meta.url));
  const args = [sender, file, url, String(inFlight), ...(loop ? [String(loop.seconds), loop.offsetsFile] : [])];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 1 << 20 }, (err, out) => (err ? reject(err) : resolve(out)));
  });
  return JSON.parse(stdout) as SendResult;
}

const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ, the unit of /proc/<pid>/stat times

/**
 * CPU seconds used so far by ClickHouse: the private server of scripts/clickhouse.sh, or the
 * process CLICKHOUSE_PID names (a shared server's figure includes everyone's queries); else NaN.
 */
function clickhouseCpu(): number {
  try {
    const pid = process.env.CLICKHOUSE_PID ?? readFileSync(new URL('../.clickhouse/server.pid', import.meta.url), 'utf8').trim();
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
  stop(): Promise<{ cpuSeconds: number; inserts: number; journaled: number }>;
}

async function startReceiver(database: string): Promise<ReceiverProcess> {
  const child = fork(fileURLToPath(new URL('./ingest-receiver.ts', import.meta.url)), [database, String(BATCH_ROWS)], {
    env: { ...process.env, CLICKHOUSE_URL: URL_CH },
    execArgv: [...process.execArgv, '--expose-gc', ...(process.env.INGEST_BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.INGEST_BENCH_PROF}`] : [])],
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

/** One measured run of a fresh receiver at `inFlight`, warmed up first (JIT, connections) with `warmup`'s spans. */
async function receiverRun(file: string, warmup: string, database: string, inFlight: number) {
  const receiver = await startReceiver(database);
  await send(receiver.url, warmup, inFlight);
  receiver.start();
  const clickhouseBefore = clickhouseCpu();
  const sent = await send(receiver.url, file, inFlight);
  const clickhouse = clickhouseCpu() - clickhouseBefore;
  const report = await receiver.stop();
  return { ...sent, cpu: { receiver: report.cpuSeconds, clickhouse, sender: sent.cpuSeconds }, inserts: report.inserts, journaled: report.journaled };
}

/** Straight inserts of precomputed rows, `batchRows` per insert, one at a time; with each insert's latency. */
async function baselineRun(rows: CallRow[], database: string, format: 'JSONEachRow' | 'TabSeparated', batchRows: number) {
  const config = await loadConfig({ env: { CLICKHOUSE_URL: URL_CH, CLICKHOUSE_DATABASE: database } });
  const store = createStoreClient(config.clickhouse);
  await migrate(store, { database, cluster: null });
  const client = createClient({ url: URL_CH });
  const cpuBefore = process.cpuUsage();
  const clickhouseBefore = clickhouseCpu();
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < rows.length; i += batchRows) {
    const batch = rows.slice(i, i + batchRows);
    const t = performance.now();
    if (format === 'JSONEachRow') await client.insert({ table: `${database}.llm_calls`, values: batch, format });
    else await insertCalls(store, batch);
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = { node: cpuSeconds(cpuBefore), clickhouse: clickhouseCpu() - clickhouseBefore };
  await client.close();
  await store.close();
  latencies.sort((a, b) => a - b);
  return { seconds, cpu, p50: latencies[Math.floor(latencies.length / 2)]!, p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]! };
}

/** Where each body's trace ids start (so the sender can make them fresh on every pass). */
function traceIdOffsets(bodies: Uint8Array[]): number[][] {
  return bodies.map((body) => {
    const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const ids = new Set(decodeProtobufTraces(body).spans.map((s) => s.traceId));
    return [...ids].flatMap((id) => {
      const at: number[] = [];
      for (let i = buf.indexOf(Buffer.from(id, 'hex')); i >= 0; i = buf.indexOf(Buffer.from(id, 'hex'), i + 1)) at.push(i);
      return at;
    });
  });
}

/** Active parts per partition of each table, now. */
async function partsPerPartition(admin: ReturnType<typeof createClient>, database: string): Promise<Record<string, number>> {
  const rows = await (
    await admin.query({ query: `SELECT table, max(n) AS parts FROM (SELECT table, partition, count() AS n FROM system.parts WHERE database = '${database}' AND active GROUP BY table, partition) GROUP BY table ORDER BY table`, format: 'JSONEachRow' })
  ).json<{ table: string; parts: string }>();
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.parts)]));
}

/** 1 request in flight for `seconds`, all new spans: parts per partition and receiver memory over time. */
async function sustained(admin: ReturnType<typeof createClient>, database: string, seconds: number) {
  const bodies = protobufRequests(100, SPANS);
  const file = requestsFile(bodies);
  const offsetsFile = `${file}.json`;
  writeFileSync(offsetsFile, JSON.stringify(traceIdOffsets(bodies)));
  const receiver = await startReceiver(database);
  receiver.start();
  const samples: string[] = [];
  const peak: Record<string, number> = {};
  let sampling: Promise<void> = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = (async () => {
      const parts = await partsPerPartition(admin, database);
      for (const [table, n] of Object.entries(parts)) peak[table] = Math.max(peak[table] ?? 0, n);
      const { heapMiB, rssMiB } = await receiver.memory();
      samples.push(`${Math.round(samples.length * 30)}s: llm_calls ${parts.llm_calls ?? 0} / llm_usage_daily ${parts.llm_usage_daily ?? 0} / ingest_journal ${parts.ingest_journal ?? 0} parts, heap ${heapMiB} / RSS ${rssMiB} MiB`);
    })();
  }, 30_000);
  const sent = await send(receiver.url, file, 1, { seconds, offsetsFile });
  clearInterval(sampler);
  await sampling;
  const report = await receiver.stop();
  unlinkSync(file);
  unlinkSync(offsetsFile);
  return { sent, report, samples, peak, end: await partsPerPartition(admin, database) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en');
/** Receiver throughput as a share of a baseline's, from their times for the same spans. */
const percent = (baselineSeconds: number, receiverSeconds: number) => `${Math.round((baselineSeconds / receiverSeconds) * 100)}%`;
const cpuText = (cpu: Record<string, number>) => Object.entries(cpu).map(([who, s]) => `${who} ${s.toFixed(2)}`).join(', ');
const per100k = (cpu: number, spans: number) => (Number.isNaN(cpu) ? 'n/a' : `${((cpu / spans) * 100_000).toFixed(2)} s`);

/** The medians over rounds, one row per level. */
function printTable(times: Record<'json' | 'tsv' | 'small' | 'smallP50' | 'smallP99', number[]>, levels: Map<number, Record<'seconds' | 'p50' | 'p99' | 'cpu' | 'clickhouse' | 'inserts', number[]>>, spans: number): void {
  const [json, tsv, small] = [median(times.json), median(times.tsv), median(times.small)];
  console.log(`\nmedians: baseline JSONEachRow x${BATCH_ROWS} ${rate(spans, json)} rows/s; TabSeparated x${BATCH_ROWS} ${rate(spans, tsv)} rows/s; TabSeparated x${SPANS} ${rate(spans, small)} rows/s (${percent(json, small)} of JSONEachRow), insert p50 ${median(times.smallP50).toFixed(1)} ms, p99 ${median(times.smallP99).toFixed(1)} ms`);
  console.log('| in flight | spans/s | JSONEachRow rows/s | ratio | TabSeparated rows/s | ratio | ack p50 ms | ack p99 ms | straight 500-row insert p50 ms | inserts | receiver CPU / 100k spans | ClickHouse CPU / 100k spans |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [inFlight, l] of levels) {
    const recv = median(l.seconds);
    console.log(`| ${inFlight} | ${rate(spans, recv)} | ${rate(spans, json)} | ${percent(json, recv)} | ${rate(spans, tsv)} | ${percent(tsv, recv)} | ${median(l.p50).toFixed(1)} | ${median(l.p99).toFixed(1)} | ${median(times.smallP50).toFixed(1)} | ${median(l.inserts)} | ${per100k(median(l.cpu), spans)} | ${per100k(median(l.clickhouse), spans)} |`);
  }
}

export async function run(): Promise<void> {
  const tag = randomBytes(3).toString('hex');
  const dbs: string[] = [];
  const database = (what: string) => {
    dbs.push(`tl_bench_${what}_${tag}_${dbs.length}`);
    return dbs.at(-1)!;
  };
  const admin = createClient({ url: URL_CH, request_timeout: 300_000 }); // the shared server can be slow to drop a database
  // Dropped as soon as a round is measured, so its background merges do not slow the next round.
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
  console.log(`started ${new Date().toISOString()}; workload: ${REQUESTS} requests x ${SPANS} spans (${mb.toFixed(1)} MiB protobuf), in flight ${LEVELS.join('/')}, insert cap ${BATCH_ROWS}; ${ROUNDS} rounds, each into fresh databases`);
  const times = { json: [] as number[], tsv: [] as number[], small: [] as number[], smallP50: [] as number[], smallP99: [] as number[] };
  const levels = new Map(LEVELS.map((n) => [n, { seconds: [] as number[], p50: [] as number[], p99: [] as number[], cpu: [] as number[], clickhouse: [] as number[], inserts: [] as number[] }]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const json = await baselineRun(rows, database('json'), 'JSONEachRow', BATCH_ROWS);
      const tsv = await baselineRun(rows, database('tsv'), 'TabSeparated', BATCH_ROWS);
      const small = await baselineRun(rows, database('tsv500'), 'TabSeparated', SPANS);
      times.json.push(json.seconds);
      times.tsv.push(tsv.seconds);
      times.small.push(small.seconds);
      times.smallP50.push(small.p50);
      times.smallP99.push(small.p99);
      console.log(`round ${round}: baselines JSONEachRow x${BATCH_ROWS} ${rate(spans, json.seconds)} rows/s (cpu: ${cpuText(json.cpu)}); TabSeparated x${BATCH_ROWS} ${rate(spans, tsv.seconds)} rows/s (cpu: ${cpuText(tsv.cpu)}); TabSeparated x${SPANS} ${rate(spans, small.seconds)} rows/s, insert p50 ${small.p50.toFixed(1)} ms p99 ${small.p99.toFixed(1)} ms (cpu: ${cpuText(small.cpu)}; ${percent(json.seconds, small.seconds)} of JSONEachRow x${BATCH_ROWS}, the ceiling at 1 in flight)`);
      for (const inFlight of LEVELS) {
        const recv = await receiverRun(file, warmup, database(`recv${inFlight}`), inFlight);
        const level = levels.get(inFlight)!;
        level.seconds.push(recv.seconds);
        level.p50.push(recv.p50);
        level.p99.push(recv.p99);
        level.cpu.push(recv.cpu.receiver);
        level.clickhouse.push(recv.cpu.clickhouse);
        level.inserts.push(recv.inserts);
        console.log(`round ${round}: receiver, ${inFlight} in flight: ${rate(spans, recv.seconds)} spans/s in ${recv.inserts} inserts (${recv.journaled} requests journaled), ack p50 ${recv.p50.toFixed(1)} ms p99 ${recv.p99.toFixed(1)} ms (cpu: ${cpuText(recv.cpu)}); ${percent(json.seconds, recv.seconds)} of this round's JSONEachRow, ${percent(small.seconds, recv.seconds)} of its straight ${SPANS}-row inserts`);
      }
      await dropAll();
    }
    if (ROUNDS > 0) printTable(times, levels, spans);

    if (SUSTAINED_SECONDS > 0) {
      const s = await sustained(admin, database('sustained'), SUSTAINED_SECONDS);
      const total = s.sent.requests * SPANS;
      console.log(`\nsustained, 1 in flight for ${s.sent.seconds.toFixed(0)} s: ${total.toLocaleString('en')} spans, ${rate(total, s.sent.seconds)} spans/s in ${s.report.inserts} inserts (${s.report.journaled} requests journaled), ${s.sent.retries} requests retried after 429/503, ack p50 ${s.sent.p50.toFixed(1)} ms p99 ${s.sent.p99.toFixed(1)} ms, receiver CPU ${per100k(s.report.cpuSeconds, total)} per 100k spans`);
      console.log(`active parts per partition, peak: ${JSON.stringify(s.peak)}; at the end: ${JSON.stringify(s.end)}`);
      for (const line of s.samples) console.log(`  ${line}`);
    }
  } finally {
    unlinkSync(file);
    unlinkSync(warmup);
    await dropAll();
    await admin.close();
  }
}
