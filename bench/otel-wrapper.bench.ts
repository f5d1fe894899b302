/**
 * `pnpm bench otel-wrapper`: what @tokenledger/otel adds to one LLM call. A fake in-process
 * client (no network) answers at once, so the difference between the wrapped and the unwrapped
 * call is our overhead alone: span start/end, attribution stamping, usage reading, the batch
 * processor's onEnd. Baseline = the same fake call unwrapped, measured in the same run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { instrumentOpenAI, register, withAttribution } from '../packages/otel/src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const completion = {
  id: 'chatcmpl-1',
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1200, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } },
};
const chunk = (i: number) => ({ id: 'chatcmpl-2', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: `t${i}` } }] });
const usageChunk = { id: 'chatcmpl-2', model: 'gpt-4o-mini', choices: [], usage: completion.usage };

function fakeClient() {
  return {
    baseURL: 'https://api.openai.com/v1',
    chat: {
      completions: {
        create(body: { model: string; messages: unknown[]; stream?: boolean; stream_options?: { include_usage?: boolean } }): Promise<unknown> {
          if (body.stream !== true) return Promise.resolve(completion);
          const withUsage = body.stream_options?.include_usage === true;
          return Promise.resolve(
            (async function* () {
              for (let i = 0; i < 5; i++) yield chunk(i);
              if (withUsage) yield usageChunk;
            })(),
          );
        },
      },
    },
  };
}

type Call = () => Promise<unknown>;
const plain = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const streamed = { ...plain, stream: true };

async function drain(result: unknown): Promise<void> {
  for await (const _ of result as AsyncIterable<unknown>) void _;
}

async function latencies(call: Call, n: number): Promise<number[]> {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await call();
    out[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

/** Median heap growth per call over batches that start right after a full GC. */
async function heapPerCall(call: Call, batches = 15, size = 500): Promise<number> {
  const perCall: number[] = [];
  for (let b = 0; b < batches; b++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < size; i++) await call();
    perCall.push((process.memoryUsage().heapUsed - before) / size);
  }
  return perCall.sort((a, b) => a - b)[Math.floor(batches / 2)]!;
}

export async function run(): Promise<void> {
  const shutdown = register({
    serviceName: 'bench',
    // A discarding exporter: the batch processor still queues every span, as in production.
    exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} },
  });
  const raw = fakeClient();
  const wrapped = instrumentOpenAI(fakeClient());
  const attribution = { client: 'acme', project: 'support', feature: 'chat', tags: { tier: 'gold' } };
  const cases: [string, Call, Call][] = [
    ['chat.completions.create', () => raw.chat.completions.create(plain), () => wrapped.chat.completions.create(plain)],
    [
      'same, inside withAttribution',
      () => withAttribution(attribution, () => raw.chat.completions.create(plain)),
      () => withAttribution(attribution, () => wrapped.chat.completions.create(plain)),
    ],
    [
      'stream, 5 chunks, drained',
      async () => drain(await raw.chat.completions.create(streamed)),
      async () => drain(await wrapped.chat.completions.create(streamed)),
    ],
  ];
  const n = 20_000;
  console.log('| call | unwrapped p50 µs | wrapped p50 µs | added p50 µs | unwrapped p99 µs | wrapped p99 µs | added p99 µs | heap added B/call |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, base, ours] of cases) {
    await latencies(base, 2000);
    await latencies(ours, 2000);
    const b = await latencies(base, n);
    const o = await latencies(ours, n);
    const heap = (await heapPerCall(ours)) - (await heapPerCall(base));
    const f = (x: number) => x.toFixed(2);
    console.log(
      `| ${name} | ${f(pct(b, 50))} | ${f(pct(o, 50))} | ${f(pct(o, 50) - pct(b, 50))} | ${f(pct(b, 99))} | ${f(pct(o, 99))} | ${f(pct(o, 99) - pct(b, 99))} | ${Math.round(heap)} |`,
    );
  }
  console.log(`(${n} timed calls per case after 2,000 warm-up calls; heap: median of 15 batches of 500 calls after a full GC)`);
  await shutdown();
}
