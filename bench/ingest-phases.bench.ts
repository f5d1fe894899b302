/**
 * Where a lone 500-span request's time goes, stage by stage, in one process (no HTTP): protobuf
 * decode; normalize, price and encode (the receiver's stages, plausibility checks included); the
 * write-ahead journal's append (one row holding the request); the already-stored check's round trip; the insert into llm_calls with its rollup. Against a straight
 * insert of the same TabSeparated bytes into a second fresh database, in the same run. Medians
 * over INGEST_PHASE_REQUESTS requests (default 100) after 20 of warm-up, each with spans of its own.
 */
import { createClient } from '@clickhouse/client';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { PendingCallEncoder, pendingCallsTsv } from '../packages/receiver/src/ingest/pending-calls.js';
import { priceCall } from '../packages/receiver/src/ingest/price-call.js';
import { spansToRows } from '../packages/receiver/src/ingest/spans-to-rows.js';
import { insertPrepared, prepareIngestRows } from '../packages/receiver/src/ingest/store-calls.js';
import { DEFAULT_LIMITS, normalizeSpan, plausibleStages, spanClient } from '../packages/receiver/src/normalize/index.js';
import { decodeProtobufTraces } from '../packages/receiver/src/otlp/index.js';
import type { DecodedSpan } from '../packages/receiver/src/otlp/decoded-span.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import { appendJournal } from '../packages/receiver/src/store/ingest-journal.js';
import { insertCallLines } from '../packages/receiver/src/store/llm-calls.js';
import { protobufRequests } from '../test/support/otlp-requests.js';

const URL_CH = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const REQUESTS = Number(process.env.INGEST_PHASE_REQUESTS ?? 100);
const WARMUP = 20;
const SPANS = 500;

const PHASES = ['decode', 'normalize+price+encode', 'journal append', 'already-stored check', 'insert', 'straight insert'] as const;

async function freshStore(tag: string) {
  const database = `tl_bench_phases_${tag}_${randomBytes(3).toString('hex')}`;
  const config = await loadConfig({ env: { CLICKHOUSE_URL: URL_CH, CLICKHOUSE_DATABASE: database } });
  const store = createStoreClient(config.clickhouse);
  await migrate(store, { database, cluster: null });
  return { database, config, store };
}

export async function run(): Promise<void> {
  const receiver = await freshStore('recv');
  const straight = await freshStore('straight');
  const admin = createClient({ url: URL_CH });
  const normalizeOptions = { extraClientKeys: [] };
  const stages = plausibleStages(
    { normalize: (s: DecodedSpan) => normalizeSpan(s, normalizeOptions), price: priceCall(buildPricer(receiver.config)), spanClient: (s: DecodedSpan) => spanClient(s, normalizeOptions) },
    DEFAULT_LIMITS,
    () => new Date(),
  );
  const bodies = protobufRequests(WARMUP + REQUESTS, SPANS);
  const times = new Map<string, number[]>(PHASES.map((p) => [p, []]));
  const cpu = new Map<string, number>(PHASES.map((p) => [p, 0]));
  console.log(`started ${new Date().toISOString()}; ${REQUESTS} requests x ${SPANS} spans, one at a time, after ${WARMUP} of warm-up`);
  try {
    for (let i = 0; i < bodies.length; i++) {
      const measured = i >= WARMUP;
      const mark = async <T>(phase: (typeof PHASES)[number], fn: () => T | Promise<T>): Promise<T> => {
        const c = process.cpuUsage();
        const t = performance.now();
        const out = await fn();
        if (measured) {
          times.get(phase)!.push(performance.now() - t);
          const used = process.cpuUsage(c);
          cpu.set(phase, cpu.get(phase)! + (used.user + used.system) / 1000);
        }
        return out;
      };
      const decoded = await mark('decode', () => decodeProtobufTraces(bodies[i]!));
      const calls = await mark('normalize+price+encode', () => {
        const encoder = new PendingCallEncoder(decoded.spans.length);
        spansToRows(decoded, stages, new Date(), encoder);
        return encoder.finish();
      });
      const at = new Date(Math.floor(Date.now() / 1000) * 1000);
      await mark('journal append', () => appendJournal(receiver.store, { batch_id: randomUUID(), receiver: 'bench', written_at: at, content: { kind: 'request', format: 'protobuf', encoding: 'identity', received_at_ms: at.getTime(), bytes: bodies[i]! } }));
      const prepared = await mark('already-stored check', () => prepareIngestRows(receiver.store, calls));
      await mark('insert', () => insertPrepared(receiver.store, prepared));
      const lines = pendingCallsTsv(calls);
      await mark('straight insert', () => insertCallLines(straight.store, lines));
    }
    console.log('| stage | p50 ms | p90 ms | CPU of this process, ms per request |');
    console.log('|---|---:|---:|---:|');
    for (const phase of PHASES) {
      const xs = times.get(phase)!.sort((a, b) => a - b);
      const q = (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(1);
      console.log(`| ${phase} | ${q(0.5)} | ${q(0.9)} | ${(cpu.get(phase)! / REQUESTS).toFixed(1)} |`);
    }
  } finally {
    for (const s of [receiver, straight]) {
      await admin.command({ query: `DROP DATABASE IF EXISTS ${s.database}` });
      await s.store.close();
    }
    await admin.close();
  }
}
