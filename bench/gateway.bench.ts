/**
 * `pnpm bench gateway`: what the gateway adds to an LLM call. A fake OpenAI upstream on loopback
 * answers at once; each case is measured calling it directly (the baseline) and through the
 * gateway, in the same run. The gateway runs in a process of its own (bench/gateway-server.ts)
 * and sends its spans to a fake receiver that acknowledges every export, so the batch processor
 * and the OTLP protobuf exporter do their real work. The client and the fake upstream share the
 * bench process. The machine is shared with other work: the figures are noisy; say so.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

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

async function timings(url: string, body: string, n: number): Promise<{ first: number[]; total: number[] }> {
  const first: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < n; i++) {
    const [f, t] = await call(url, body);
    first.push(f);
    total.push(t);
  }
  return { first: first.sort((a, b) => a - b), total: total.sort((a, b) => a - b) };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
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

/** The next message from the gateway process. */
const reply = <T>(child: ChildProcess) => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));

function startGatewayProcess(upstreamUrl: string): ChildProcess {
  return fork(fileURLToPath(new URL('./gateway-server.ts', import.meta.url)), [upstreamUrl], {
    execArgv: [...process.execArgv, '--expose-gc'],
    // The gateway imports the workspace packages by name: resolve them to their sources, as vitest does.
    env: { ...process.env, TSX_TSCONFIG_PATH: fileURLToPath(new URL('../tsconfig.check.json', import.meta.url)) },
  });
}

export async function run(): Promise<void> {
  const upstream = fakeOpenAi();
  const upstreamUrl = await listen(upstream);
  const child = startGatewayProcess(upstreamUrl);
  const { url: gatewayUrl } = await reply<{ url: string }>(child);
  const direct = upstreamUrl;
  const proxied = `${gatewayUrl}/openai/v1`;
  const n = 2000;

  console.log(`run at ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`);
  console.log('| call | direct p50 µs | gateway p50 µs | added p50 µs | direct p99 µs | gateway p99 µs | added p99 µs |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const rows: [string, string, 'total' | 'first'][] = [
    ['chat, JSON answer', plainBody, 'total'],
    ['chat stream, whole stream (5 chunks; usage chunk added and hidden)', streamBody, 'total'],
    ['chat stream, time to first byte', streamBody, 'first'],
  ];
  for (const [name, body, which] of rows) {
    await timings(direct, body, 300);
    await timings(proxied, body, 300);
    const d = (await timings(direct, body, n))[which];
    const g = (await timings(proxied, body, n))[which];
    console.log(`| ${name} | ${f(pct(d, 50))} | ${f(pct(g, 50))} | ${f(pct(g, 50) - pct(d, 50))} | ${f(pct(d, 99))} | ${f(pct(g, 99))} | ${f(pct(g, 99) - pct(d, 99))} |`);
  }
  console.log(`(${n} sequential calls per case after 300 warm-up calls, keep-alive connections)`);

  console.log('\n| streamed calls, 16 in flight | direct req/s | through the gateway req/s |');
  console.log('|---|---:|---:|');
  const cpu = async () => {
    child.send('cpu');
    return (await reply<{ micros: number }>(child)).micros;
  };
  const dRate = await throughput(direct, streamBody, 5000, 16);
  const cpuBefore = await cpu();
  const gRate = await throughput(proxied, streamBody, 5000, 16);
  const cpuPerCall = ((await cpu()) - cpuBefore) / 5000;
  console.log(`| 5,000 calls | ${f(dRate)} | ${f(gRate)} |`);
  // CPU time is what the gateway itself spends, and depends far less on the machine's load than the wall clock.
  console.log(`\ngateway CPU time per streamed call (user + system, spans exported included): ${f(cpuPerCall)} µs`);

  console.log('\n| streamed calls through the gateway | gateway heap used MiB (after GC) | gateway RSS MiB |');
  console.log('|---:|---:|---:|');
  for (let done = 0; done <= 10_000; done += 2500) {
    if (done > 0) await throughput(proxied, streamBody, 2500, 16);
    child.send('memory');
    const m = await reply<{ heapMiB: string; rssMiB: string }>(child);
    console.log(`| ${done.toLocaleString('en-US')} | ${m.heapMiB} | ${m.rssMiB} |`);
  }
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve) => upstream.close(resolve));
}
