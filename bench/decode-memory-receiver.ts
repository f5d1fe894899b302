/**
 * The receiver for decode-memory.bench.ts: `tokenledger serve` as it runs (default plugins), in a
 * process of its own so its peak RSS is the receiver's alone. argv: database, decodes at once.
 * Sends { url } once listening; on 'peak' sends { peakRssMiB } (VmHWM: the most resident memory
 * the process ever held, what a Kubernetes memory limit is checked against), then exits.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import { defaultPlugins } from '../packages/receiver/src/server/default-plugins.js';
import { startServer } from '../packages/receiver/src/server/start-server.js';

const [database, decodes] = process.argv.slice(2);
const config = await loadConfig({ env: { ...process.env, CLICKHOUSE_DATABASE: database!, PORT: '0' } });
const server = await startServer(config, { write: () => undefined }, { plugins: defaultPlugins, maxConcurrentDecodes: Number(decodes) });
process.send!({ url: server.url });
process.on('message', (message) => {
  if (message !== 'peak') return;
  void (async () => {
    await server.stop();
    const kib = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    process.send!({ peakRssMiB: Math.round(kib / 1024) });
    process.disconnect();
  })();
});
