// Load generator for ingest.bench.ts, in its own process as real exporters would be (429 and 503
// are retried after Retry-After, as an OTLP exporter does): reads
// length-prefixed OTLP request bodies from a file and POSTs them with N requests in flight, each
// sender sending its next request when the previous one is answered (as a BatchSpanProcessor
// does). node:http with a keep-alive agent, not fetch: it costs the shared cores far less CPU per
// request, and the receiver is what is being measured.
// Usage: ingest-sender.mjs FILE URL IN_FLIGHT [LOOP_SECONDS OFFSETS_FILE]
// With LOOP_SECONDS it sends the bodies again and again for that long, each pass with fresh
// trace ids: OFFSETS_FILE lists (as JSON) where each body's trace ids start.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [file, url, inFlightText, loopText, offsetsFile] = process.argv.slice(2);
const data = readFileSync(file);
const bodies = [];
for (let offset = 0; offset < data.length; ) {
  const length = data.readUInt32BE(offset);
  bodies.push(data.subarray(offset + 4, offset + 4 + length));
  offset += 4 + length;
}
const inFlight = Number(inFlightText);
const loopMs = loopText ? Number(loopText) * 1000 : 0;
const offsets = offsetsFile ? JSON.parse(readFileSync(offsetsFile, 'utf8')) : [];
const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
const target = new URL('/v1/traces', url);
const latencies = [];

let retries = 0;

function postOnce(body) {
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** As an OTLP exporter does: 429 and 503 are retried after Retry-After; the latency counts the wait. */
async function post(body) {
  const started = performance.now();
  for (;;) {
    const { status, retryAfter } = await postOnce(body);
    if (status === 200) break;
    if (status !== 429 && status !== 503) throw new Error(`receiver answered ${status}`);
    retries++;
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
  latencies.push(performance.now() - started);
}

/** Pass k > 0 writes k over the first 4 bytes of every trace id, so each pass is all new spans. */
function freshIds(pass) {
  if (pass === 0) return;
  bodies.forEach((body, i) => {
    for (const at of offsets[i]) body.writeUInt32BE(pass, at);
  });
}

const started = performance.now();
let pass = 0;
do {
  freshIds(pass++);
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < bodies.length) await post(bodies[next++]);
    }),
  );
} while (performance.now() - started < loopMs);
agent.destroy();
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
latencies.sort((a, b) => a - b);
const quantile = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, requests: latencies.length, retries, p50: quantile(0.5), p99: quantile(0.99) }));
