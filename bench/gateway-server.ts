/**
 * The gateway for gateway.bench.ts, in a process of its own as `tokenledger gateway` runs, so its
 * memory figures are its own and it does not share an event loop with the bench's client and fake
 * upstream. It also runs the fake receiver (acknowledges every OTLP export; no budgets), whose
 * work is small next to the gateway's. Messages: sends { url } once listening; on 'memory' sends
 * { heapMiB, rssMiB } after the span queue is flushed and a full collection; on 'cpu' sends its
 * CPU time so far { micros } (user + system); on 'stop' stops.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseGatewayConfig, startGateway } from '../packages/gateway/src/index.js';
import { createPricer, loadCatalog } from '../packages/pricing/src/index.js';

const [upstreamUrl] = process.argv.slice(2);
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => (req.url === '/v1/traces' ? res.writeHead(200, { 'content-type': 'application/json' }).end('{}') : res.writeHead(404).end('{"error":{"code":"not_found","message":"no budget"}}')));
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
const config = parseGatewayConfig({ receiver_url: receiverUrl, upstreams: { openai: { base_url: upstreamUrl! } } }, {}, 0);
const gateway = await startGateway(config, { pricer: createPricer(loadCatalog()) });
process.send!({ url: gateway.url });
process.on('message', (message) => {
  void (async () => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ micros: user + system });
    }
    if (message === 'memory') {
      await gateway.flush();
      global.gc?.();
      const { heapUsed, rss } = process.memoryUsage();
      process.send!({ heapMiB: (heapUsed / 2 ** 20).toFixed(1), rssMiB: (rss / 2 ** 20).toFixed(1) });
    }
    if (message === 'stop') {
      await gateway.stop();
      receiver.close();
      process.exit(0);
    }
  })();
});
