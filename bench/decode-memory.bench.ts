/**
 * `pnpm bench decode-memory`: peak RSS of a receiver while 16 senders each post the largest OTLP
 * request it accepts (a 16 MiB gzip body limit, inflating toward the 64 MiB limit) at once, with
 * the decode gate at its default (1 decode at once), at 2, and, as the baseline in the same run,
 * wide open (16 at once). The shipped Kubernetes limit is 512 MiB (deploy/kubernetes/deployment.yaml).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createClient } from '@clickhouse/client';
import { wideSpansRequest } from '../test/support/hostile-otlp.js';

const URL_CH = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const SENDERS = 16;

async function peakRss(database: string, decodes: number, body: Uint8Array): Promise<{ peakRssMiB: number; statuses: Record<string, number>; seconds: number }> {
  const child = fork(fileURLToPath(new URL('./decode-memory-receiver.ts', import.meta.url)), [database, String(decodes)], { env: { ...process.env, CLICKHOUSE_URL: URL_CH } });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));
  const { url } = await next<{ url: string }>();
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: SENDERS }, () =>
      fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, body }).then(async (r) => (await r.arrayBuffer(), r.status)),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const statuses: Record<string, number> = {};
  for (const s of answers) statuses[s] = (statuses[s] ?? 0) + 1;
  const peak = next<{ peakRssMiB: number }>();
  child.send('peak');
  return { ...(await peak), statuses, seconds };
}

export async function run(): Promise<void> {
  const raw = wideSpansRequest(9_000);
  const body = gzipSync(raw);
  console.log(`request: ${(raw.length / 2 ** 20).toFixed(1)} MiB protobuf, ${(body.length / 2 ** 20).toFixed(1)} MiB gzip, 9,000 spans x 253 attributes; ${SENDERS} senders at once`);
  const ch = createClient({ url: URL_CH });
  const rows: string[] = [];
  for (const decodes of [1, 2, SENDERS]) {
    const database = `tl_bench_decode_${decodes}_${Date.now()}`;
    await ch.command({ query: `CREATE DATABASE ${database}` });
    try {
      const r = await peakRss(database, decodes, body);
      const label = decodes === 1 ? '1 (default)' : decodes === SENDERS ? `${decodes} (baseline: no bound)` : String(decodes);
      rows.push(`| ${label} | ${r.peakRssMiB} | ${JSON.stringify(r.statuses)} | ${r.seconds.toFixed(1)} |`);
    } finally {
      await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    }
  }
  await ch.close();
  console.log('| decodes at once | peak RSS MiB | answers | seconds |\n|---|---|---|---|');
  for (const r of rows) console.log(r);
}
