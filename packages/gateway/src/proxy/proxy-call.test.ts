import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPricer, loadCatalog } from '@tokenledger/pricing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../../otel/src/test-support/fake-server.js';
import { parseGatewayConfig } from '../config/gateway-config.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';

const completion = JSON.stringify({ id: 'c1', object: 'chat.completion', model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } });
const paths: string[] = [];
/** Answers JSON with its length; `/v1/cut` sends part of an event stream and resets the connection. */
const upstream: Server = createServer((req, res) => {
  paths.push(req.url!);
  req.resume().on('end', () => {
    if (req.url === '/v1/cut') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"type":"message_start"}\n\n');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion), 'x-request-id': 'req_1' }).end(completion);
  });
});
let receiver: FakeServer;
let gw: RunningGateway;

beforeAll(async () => {
  receiver = await startFakeServer((req) => (req.path === '/v1/traces' ? { json: {} } : { status: 404, json: {} }));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  gw = await startGateway(parseGatewayConfig({ receiver_url: receiver.url, upstreams: { openai: { base_url: base }, anthropic: { base_url: base } } }, {}, 0), { pricer: createPricer(loadCatalog()), spanDelayMs: 10 });
});
afterAll(async () => {
  await gw.stop();
  await Promise.all([receiver.close(), new Promise((resolve) => upstream.close(resolve))]);
});

describe('proxying on node:http', () => {
  it('a JSON answer goes on with upstream headers and its content-length, byte for byte', async () => {
    const res = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', body: '{"model":"gpt-4o-mini","messages":[]}' });
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(completion)));
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(await res.text()).toBe(completion);
  });

  it('dot segments cannot climb out of a provider prefix: 404 from the gateway, nothing sent upstream', async () => {
    const before = paths.length;
    // node:http sends the path as written (fetch would resolve the dots itself).
    for (const path of ['/openai/v1/../../admin', '/openai/v1/%2e%2e/%2e%2e/admin']) {
      const status = await new Promise<number>((resolve, reject) => request(`${gw.url}${path}`, { method: 'POST' }, (res) => resolve(res.resume().statusCode!)).on('error', reject).end('{}'));
      expect(status).toBe(404);
    }
    expect(paths.length).toBe(before);
  });

  it('an upstream that cuts its stream mid-body cuts the caller response too', async () => {
    const res = await fetch(`${gw.url}/anthropic/v1/cut`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    await expect.poll(async () => (await (await fetch(`${gw.url}/metrics`)).text()).includes('tokenledger_gateway_in_flight 0')).toBe(true);
  });
});
