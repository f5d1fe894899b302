/**
 * The receiver for ingest.bench.ts, in a process of its own as `tokenledger serve` runs: the
 * real server with the default plugins (reports, billing, settle), so that its CPU and memory
 * figures are the receiver's alone and not the bench's (which holds the baselines' rows).
 * Messages: it sends { url } once listening; on 'start' it notes its CPU clock; on 'memory' it
 * sends { heapMiB, rssMiB } after a full collection; on 'stop' it stores what it accepted, then
 * sends { cpuSeconds, inserts, journaled } and exits.
 */
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import { defaultPlugins } from '../packages/receiver/src/server/default-plugins.js';
import { startServer } from '../packages/receiver/src/server/start-server.js';

const [database, batchRows] = process.argv.slice(2);
const config = await loadConfig({ env: { ...process.env, CLICKHOUSE_DATABASE: database!, PORT: '0' } });
// INGEST_JOURNAL sets ingest.journal_min_in_flight (docs/receiver.md "Journal"); 0 measures without the journal.
if (process.env.INGEST_JOURNAL) config.file.ingest = { ...config.file.ingest, journal_min_in_flight: Number(process.env.INGEST_JOURNAL) };
const server = await startServer(config, { write: () => undefined }, { plugins: defaultPlugins, maxBatchRows: Number(batchRows) });
let cpuAtStart = process.cpuUsage();
process.send!({ url: server.url });
const memory = () => {
  global.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMiB: Math.round(heapUsed / 2 ** 20), rssMiB: Math.round(rss / 2 ** 20) };
};
process.on('message', (message) => {
  if (message === 'start') cpuAtStart = process.cpuUsage();
  if (message === 'memory') process.send!(memory());
  if (message !== 'stop') return;
  void (async () => {
    const used = process.cpuUsage(cpuAtStart);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    await server.stop();
    process.send!({
      cpuSeconds: (used.user + used.system) / 1e6,
      inserts: Number(/tokenledger_batch_rows_count (\d+)/.exec(metrics)?.[1]),
      journaled: Number(/tokenledger_journal_entries_total\{event="written"\} (\d+)/.exec(metrics)?.[1] ?? 0),
    });
    process.disconnect();
  })();
});
