// Load generator for ingest.bench.ts, in its own process as real exporters would be: reads
// length-prefixed OTLP request bodies from a file and POSTs them with N concurrent senders.
// node:http with a keep-alive agent, not fetch: it costs the shared cores far less CPU per
// request, and the receiver is what is being measured.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [file, url, sendersText] = process.argv.slice(2);
const data = readFileSync(file);
const bodies = [];
for (let offset = 0; offset < data.length; ) {
  const length = data.readUInt32BE(offset);
  bodies.push(data.subarray(offset + 4, offset + 4 + length));
  offset += 4 + length;
}
const agent = new Agent({ keepAlive: true, maxSockets: Number(sendersText) });
const target = new URL('/v1/traces', url);

function post(body) {
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`receiver answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: Number(sendersText) }, async () => {
    while (next < bodies.length) await post(bodies[next++]);
  }),
);
agent.destroy();
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
