/**
 * Issue #13 item 5: 20,000 spans whose client ids and model names are all random (what anyone
 * who can send spans can do), against the real server with the default plugins in a process of
 * its own (ingest-receiver.ts). Measured: OTLP request latency, /readyz latency polled during the
 * run, the receiver's RSS and heap after a full collection before and after, and the rows the
 * unpriced-model alert wrote into alerts_fired. Baseline in the same run: the same number of
 * spans with one client and one priced model (no alert, no new client).
 */
import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createStoreClient } from '../packages/receiver/src/clickhouse/store-client.js';

const URL_CH = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const SPANS = 20_000;
const PER_REQUEST = 500;
const IN_FLIGHT = 4;
const STOP_LIMIT_MS = 120_000;

type Memory = { heapMiB: number; rssMiB: number };

function startReceiver(database: string) {
  const child = fork(fileURLToPath(new URL('./ingest-receiver.ts', import.meta.url)), [database, '5000'], {
    env: { ...process.env, CLICKHOUSE_URL: URL_CH },
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));
  const ask = <T>(message: string) => {
    const answer = next<T>();
    child.send(message);
    return answer;
  };
  // A receiver still draining thousands of alert inserts after STOP_LIMIT_MS is killed, and said so.
  const stop = () => Promise.race([ask<{ cpuSeconds: number }>('stop').then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), STOP_LIMIT_MS))]).finally(() => child.kill());
  return { ready: next<{ url: string }>(), memory: () => ask<Memory>('memory'), stop };
}

function request(first: number, hostile: boolean): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let i = first; i < first + PER_REQUEST; i++) {
    const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'string' ? { stringValue: value } : { intValue: String(value) } });
    spans.push({
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      name: 'chat',
      kind: 3,
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + 1_000_000n),
      attributes: [
        attr('gen_ai.provider.name', 'openai'),
        attr('gen_ai.operation.name', 'chat'),
        attr('gen_ai.request.model', hostile ? `model-${randomBytes(6).toString('hex')}` : 'gpt-4o'),
        attr('gen_ai.usage.input_tokens', 100),
        attr('gen_ai.usage.output_tokens', 10),
        attr('tokenledger.client.id', hostile ? `client-${randomBytes(6).toString('hex')}` : 'acme'),
      ],
    });
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function scenario(hostile: boolean) {
  const database = `tl_bench_hostile_${randomBytes(4).toString('hex')}`;
  const store = createStoreClient({ url: URL_CH, username: 'default', password: '', database, cluster: null }, { requestTimeoutMs: 600_000 });
  await store.command(`CREATE DATABASE ${database}`);
  const receiver = startReceiver(database);
  try {
    const { url } = await receiver.ready;
    const before = await receiver.memory();
    const bodies = Array.from({ length: SPANS / PER_REQUEST }, (_, i) => request(i * PER_REQUEST, hostile));
    const latencies: number[] = [];
    const ready: number[] = [];
    let done = false;
    const poll = (async () => {
      while (!done) {
        const t = performance.now();
        await fetch(`${url}/readyz`).then((r) => r.arrayBuffer());
        ready.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t = performance.now();
        const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`OTLP request answered ${res.status}`);
        latencies.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (performance.now() - started) / 1000;
    // What the alerts still in flight do to /readyz once the requests are answered.
    await new Promise((r) => setTimeout(r, 3_000));
    done = true;
    await poll;
    const after = await receiver.memory();
    const stopping = performance.now();
    const stopped = await receiver.stop();
    const stopSeconds = stopped ? ((performance.now() - stopping) / 1000).toFixed(1) : `> ${STOP_LIMIT_MS / 1000} (killed)`;
    const [alerts] = await store.queryRows<{ n: string }>(`SELECT count() AS n FROM ${database}.alerts_fired`);
    const [clients] = await store.queryRows<{ n: string }>(`SELECT count() AS n FROM ${database}.clients`);
    latencies.sort((a, b) => a - b);
    ready.sort((a, b) => a - b);
    return { seconds, stopSeconds, latencies, ready, before, after, alertRows: Number(alerts!.n), clientRows: Number(clients!.n) };
  } finally {
    await store.command(`DROP DATABASE IF EXISTS ${database}`).catch((err: Error) => console.log(`(could not drop ${database}: ${err.message})`));
    await store.close();
  }
}

export async function run(): Promise<void> {
  console.log(`${SPANS} spans in requests of ${PER_REQUEST}, ${IN_FLIGHT} in flight, ${new Date().toISOString()}`);
  console.log('| spans | s | stop s (drains alerts) | request p50 ms | request max ms | /readyz p50 ms | /readyz max ms | RSS MiB before → after | heap MiB before → after | alerts_fired rows | clients rows |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const hostile of [false, true]) {
    const r = await scenario(hostile);
    console.log(
      `| ${hostile ? 'random client and model' : 'baseline: one client, priced model'} | ${r.seconds.toFixed(1)} | ${r.stopSeconds} | ${quantile(r.latencies, 0.5).toFixed(0)} | ${r.latencies.at(-1)!.toFixed(0)} | ${quantile(r.ready, 0.5).toFixed(0)} | ${r.ready.at(-1)!.toFixed(0)} | ${r.before.rssMiB} → ${r.after.rssMiB} | ${r.before.heapMiB} → ${r.after.heapMiB} | ${r.alertRows} | ${r.clientRows} |`,
    );
  }
}
