/**
 * `pnpm bench gateway`: what the gateway adds to an LLM call. A fake OpenAI upstream on loopback
 * answers at once; each case is measured calling it directly (the baseline) and through the
 * gateway, in the same run. The gateway runs in a process of its own (bench/gateway-server.ts)
 * and sends its spans to a fake receiver that acknowledges every export, so the batch processor
 * and the OTLP protobuf exporter do their real work. The client and the fake upstream share the
 * bench process. The machine is shared with other work: the figures are noisy; say so.
 *
 * GATEWAY_BENCH_BEFORE=<dir of another checkout> also runs that checkout's bench/gateway-server.ts
 * (e.g. `mkdir /tmp/before && git archive <ref> | tar -x -C /tmp/before && (cd /tmp/before && pnpm install --offline)`),
 * timed in the same rounds as direct and current: a before/after measured under the same load.
 * GATEWAY_BENCH_PROF=<dir> writes a CPU profile of the current gateway there.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const usage = { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } };
const completion = JSON.stringify({ id: 'c1', object: 'chat.completion', model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage });
const chunk = (i: number, withUsage: boolean) =>
  `data: ${JSON.stringify({ id: 'c2', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: `t${i}` }, finish_reason: null }], ...(withUsage && { usage: null }) })}\n\n`;

/** Answers chat completions; streams write 5 chunks one event-loop turn apart, like a real token stream. */
function fakeOpenAi(): Server {
  return createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString()) as { stream?: boolean; stream_options?: { include_usage?: boolean } };
      if (body.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(completion);
        return;
      }
      const withUsage = body.stream_options?.include_usage === true;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const next = () => {
        if (i < 5) {
          res.write(chunk(i++, withUsage));
          setImmediate(next);
          return;
        }
        if (withUsage) res.write(`data: ${JSON.stringify({ id: 'c2', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
      };
      next();
    });
  });
}

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const plainBody = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
const streamBody = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench', 'x-metering-tags': '{"client":"acme","feature":"chat"}' };

/** One call: µs to the first body byte and to the end of the body. */
async function call(url: string, body: string): Promise<[number, number]> {
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${url}/chat/completions`, { method: 'POST', headers, body });
  const reader = res.body!.getReader();
  let first = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) if (first === 0) first = Number(process.hrtime.bigint() - t0) / 1000;
  return [first, Number(process.hrtime.bigint() - t0) / 1000];
}

interface Timings {
  first: number[];
  total: number[];
}

async function timings(url: string, body: string, n: number, into: Timings = { first: [], total: [] }): Promise<Timings> {
  for (let i = 0; i < n; i++) {
    const [f, t] = await call(url, body);
    into.first.push(f);
    into.total.push(t);
  }
  return into;
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
};
const f = (x: number) => x.toFixed(0);

async function throughput(url: string, body: string, calls: number, concurrency: number): Promise<number> {
  let left = calls;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await call(url, body);
    }),
  );
  return calls / ((performance.now() - t0) / 1000);
}

/** The next message from a gateway process. */
const reply = <T>(child: ChildProcess) => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));

interface Target {
  name: string;
  url: string;
  child?: ChildProcess;
}

async function startGatewayProcess(name: string, root: URL, upstreamUrl: string, profile: boolean): Promise<Target> {
  const prof = profile && process.env.GATEWAY_BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GATEWAY_BENCH_PROF}`] : [];
  const child = fork(fileURLToPath(new URL('bench/gateway-server.ts', root)), [upstreamUrl], {
    cwd: fileURLToPath(root),
    execArgv: [...process.execArgv, '--expose-gc', ...prof],
    // The gateway imports the workspace packages by name: resolve them to their sources, as vitest does.
    env: { ...process.env, TSX_TSCONFIG_PATH: fileURLToPath(new URL('tsconfig.check.json', root)) },
  });
  const { url } = await reply<{ url: string }>(child);
  return { name, url: `${url}/openai/v1`, child };
}

const cpuOf = async (child: ChildProcess) => {
  child.send('cpu');
  return (await reply<{ micros: number }>(child)).micros;
};

export async function run(): Promise<void> {
  const upstream = fakeOpenAi();
  const upstreamUrl = await listen(upstream);
  const before = process.env.GATEWAY_BENCH_BEFORE;
  const gateways = [
    ...(before ? [await startGatewayProcess('before', pathToFileURL(`${before.replace(/\/+$/, '')}/`), upstreamUrl, false)] : []),
    await startGatewayProcess('gateway', new URL('../', import.meta.url), upstreamUrl, true),
  ];
  const current = gateways.at(-1)!;
  const targets: Target[] = [{ name: 'direct', url: upstreamUrl }, ...gateways];
  const n = 2000;
  const rounds = 4;

  console.log(`run at ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`);
  const names = gateways.map((g) => g.name);
  console.log(`| call | direct p50 µs | ${names.map((g) => `${g} p50 µs | ${g} added p50 µs`).join(' | ')} | direct p99 µs | ${names.map((g) => `${g} p99 µs | ${g} added p99 µs`).join(' | ')} |`);
  console.log(`|---|---:|${names.map(() => '---:|---:|').join('')}---:|${names.map(() => '---:|---:|').join('')}`);
  const rows: [string, string, 'total' | 'first'][] = [
    ['chat, JSON answer', plainBody, 'total'],
    ['chat stream, whole stream (5 chunks; usage chunk added and hidden)', streamBody, 'total'],
    ['chat stream, time to first byte', streamBody, 'first'],
  ];
  for (const [name, body, which] of rows) {
    for (const t of targets) await timings(t.url, body, 300);
    // Rounds interleave the targets, so a change of the machine's load falls on all of them alike.
    const measured = targets.map(() => ({ first: [], total: [] }) as Timings);
    for (let round = 0; round < rounds; round++) for (const [i, t] of targets.entries()) await timings(t.url, body, n / rounds, measured[i]);
    const [d, ...g] = measured.map((m) => m[which]);
    const cells = (p: number) => g.map((x) => `${f(pct(x, p))} | ${f(pct(x, p) - pct(d!, p))}`).join(' | ');
    console.log(`| ${name} | ${f(pct(d!, 50))} | ${cells(50)} | ${f(pct(d!, 99))} | ${cells(99)} |`);
  }
  console.log(`(${n} sequential calls per case and target after 300 warm-up calls, in ${rounds} interleaved rounds, keep-alive connections)`);

  console.log(`\n| streamed calls, 16 in flight, 5 interleaved rounds | ${targets.map((t) => `${t.name} req/s`).join(' | ')} | ${names.map((g) => `${g} CPU µs per call`).join(' | ')} |`);
  console.log(`|---|${targets.map(() => '---:|').join('')}${names.map(() => '---:|').join('')}`);
  // In rounds, like the latency cases: each target's rate is its calls over its own time.
  const seconds = targets.map(() => 0);
  const cpu = gateways.map(() => 0);
  for (let round = 0; round < 5; round++) {
    for (const [i, t] of targets.entries()) {
      const cpuBefore = t.child === undefined ? 0 : await cpuOf(t.child);
      seconds[i]! += 1000 / (await throughput(t.url, streamBody, 1000, 16));
      // CPU time is what the gateway itself spends (user + system, span export included), and depends far less on the machine's load than the wall clock.
      if (t.child !== undefined) cpu[i - 1]! += ((await cpuOf(t.child)) - cpuBefore) / 5000;
    }
  }
  const rates = seconds.map((s) => 5000 / s);
  console.log(`| 5,000 calls | ${rates.map(f).join(' | ')} | ${cpu.map(f).join(' | ')} |`);

  console.log('\n| streamed calls through the gateway | gateway heap used MiB (after GC) | gateway RSS MiB |');
  console.log('|---:|---:|---:|');
  // GATEWAY_BENCH_MEMORY_CALLS runs longer (default the issue's 10,000), sampled in four steps.
  const total = Number(process.env.GATEWAY_BENCH_MEMORY_CALLS ?? 10_000);
  const step = Math.ceil(total / 4);
  for (let done = 0; done <= total; done += step) {
    if (done > 0) await throughput(current.url, streamBody, step, 16);
    current.child!.send('memory');
    const m = await reply<{ heapMiB: string; rssMiB: string }>(current.child!);
    console.log(`| ${done.toLocaleString('en-US')} | ${m.heapMiB} | ${m.rssMiB} |`);
  }
  for (const g of gateways) {
    g.child!.send('stop');
    await new Promise((resolve) => g.child!.once('exit', resolve));
  }
  await new Promise((resolve) => upstream.close(resolve));
}
