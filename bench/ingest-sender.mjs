// Load generator for ingest.bench.ts, in its own process as real exporters would be: reads
// length-prefixed OTLP request bodies from a file and POSTs them with N concurrent senders.
import { readFileSync } from 'node:fs';

const [file, url, sendersText] = process.argv.slice(2);
const data = readFileSync(file);
const bodies = [];
for (let offset = 0; offset < data.length; ) {
  const length = data.readUInt32BE(offset);
  bodies.push(data.subarray(offset + 4, offset + 4 + length));
  offset += 4 + length;
}
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: Number(sendersText) }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(`${url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } });
      if (res.status !== 200) throw new Error(`receiver answered ${res.status}`);
      await res.arrayBuffer();
    }
  }),
);
const cpu = process.cpuUsage();
process.stderr.write(`sender cpu: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s\n`);
process.stdout.write(String((performance.now() - started) / 1000));
