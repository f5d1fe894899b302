/**
 * `pnpm bench cluster`: ingest through receivers on the 2 x 2 cluster of scripts/cluster.sh against
 * one receiver on the single node (the baseline, same run), and the compressed bytes each stored call
 * takes (system.parts of every shard). Starts the cluster when it is not up. The receivers run in
 * this process and share its event loop with the sender, so the figures are a floor.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createClient } from '@clickhouse/client';
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import { defaultPlugins } from '../packages/receiver/src/server/default-plugins.js';
import { startServer, type RunningServer } from '../packages/receiver/src/server/start-server.js';
import { protobufRequests } from '../test/support/otlp-requests.js';

const SINGLE = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const REQUESTS = 160;
const SPANS = 100;
const IN_FLIGHT = 32;
const quiet = { write: () => undefined };

async function receiver(url: string, database: string, cluster: string | null): Promise<RunningServer> {
  const config = await loadConfig({ env: { CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: database, PORT: '0', ...(cluster ? { CLICKHOUSE_CLUSTER: cluster, CLICKHOUSE_CLUSTER_REPLICAS: `${cluster}_replicas` } : {}) } });
  config.file.settle.enabled = false;
  return startServer(config, quiet, { plugins: defaultPlugins });
}

/** Spans per second for `bodies` spread over `targets`, IN_FLIGHT requests at a time per target. */
async function ingest(targets: RunningServer[], bodies: Uint8Array[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  const lane = async (r: RunningServer) => {
    for (let i = next++; i < bodies.length; i = next++) {
      const res = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: bodies[i]! });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
    }
  };
  await Promise.all(targets.flatMap((r) => Array.from({ length: IN_FLIGHT }, () => lane(r))));
  return (bodies.length * SPANS) / ((performance.now() - started) / 1000);
}

async function bytesPerCall(url: string, database: string, parts: string, table: string): Promise<string> {
  const ch = createClient({ url });
  const [row] = (await (
    await ch.query({
      query: `SELECT sum(data_compressed_bytes) AS bytes, sum(rows) AS rows FROM ${parts} WHERE active AND database = '${database}' AND table = '${table}'`,
      format: 'JSONEachRow',
    })
  ).json()) as Array<{ bytes: string; rows: string }>;
  await ch.close();
  return `${(Number(row!.bytes) / Number(row!.rows)).toFixed(0)} B/call over ${row!.rows} calls`;
}

export async function run(): Promise<void> {
  const script = fileURLToPath(new URL('../scripts/cluster.sh', import.meta.url));
  const [node1, , node3] = execFileSync('bash', [script, 'start'], { encoding: 'utf8' }).trim().split('\n');
  const database = `tl_bench_cluster_${randomBytes(4).toString('hex')}`;
  const bodies = protobufRequests(REQUESTS, SPANS);
  const warm = protobufRequests(4, SPANS);
  const single = await receiver(SINGLE, database, null);
  const one = await receiver(node1!, database, 'tokenledger');
  const two = await receiver(node3!, database, 'tokenledger');
  try {
    await ingest([single], warm);
    const base = await ingest([single], bodies);
    await ingest([one], protobufRequests(4, SPANS));
    const cluster1 = await ingest([one], protobufRequests(REQUESTS, SPANS));
    const cluster2 = await ingest([one, two], protobufRequests(REQUESTS * 2, SPANS));
    console.log(`| setup | spans/s |\n|---|---|`);
    console.log(`| 1 receiver, single node (baseline) | ${base.toFixed(0)} |`);
    console.log(`| 1 receiver, cluster 2x2 (entry node 1) | ${cluster1.toFixed(0)} |`);
    console.log(`| 2 receivers, cluster 2x2 (nodes 1 and 3), together | ${cluster2.toFixed(0)} |`);
    console.log(`llm_calls on disk, single node: ${await bytesPerCall(SINGLE, database, 'system.parts', 'llm_calls')}`);
    console.log(`llm_calls on disk, cluster (one replica per shard): ${await bytesPerCall(node1!, database, "cluster('tokenledger', system, parts)", 'llm_calls_local')}`);
  } finally {
    for (const r of [single, one, two]) await r.stop();
    const ch = createClient({ url: node1! });
    await ch.command({ query: `DROP DATABASE IF EXISTS ${database} ON CLUSTER tokenledger` });
    await ch.close();
    const s = createClient({ url: SINGLE });
    await s.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await s.close();
  }
}
