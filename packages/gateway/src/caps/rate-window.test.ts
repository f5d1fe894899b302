import { createPricer, loadCatalog } from '@tokenledger/pricing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../../otel/src/test-support/fake-server.js';
import { openAiReply } from '../../../otel/src/test-support/openai-wire.js';
import { sha256 } from '../auth/virtual-keys.js';
import { parseGatewayConfig } from '../config/gateway-config.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';
import { RateWindow } from './rate-window.js';

describe('RateWindow with replicas', () => {
  it('allows floor(rpm / replicas) per replica over a sliding minute', () => {
    const window = new RateWindow(3);
    expect(window.share(10)).toBe(3);
    const taken = [0, 1, 2, 3].map((i) => window.take(0, 10, 1000 + i));
    expect(taken.map((t) => t.ok)).toEqual([true, true, true, false]);
    expect(taken[3]).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(window.take(0, 10, 61_001).ok).toBe(true);
  });
});

describe('rpm across gateway replicas', () => {
  const KEY = 'tlgw-shared-9c1e';
  let upstream: FakeServer;
  let receiver: FakeServer;
  let replicas: RunningGateway[];
  beforeAll(async () => {
    [upstream, receiver] = await Promise.all([startFakeServer(openAiReply), startFakeServer((req) => (req.path === '/v1/traces' ? { json: {} } : { status: 404, json: {} }))]);
    const section = { receiver_url: receiver.url, upstreams: { openai: { base_url: `${upstream.url}/v1` } }, keys: [{ client: 'acme', key_sha256: sha256(KEY).toString('hex'), rpm: 5 }], replicas: 2 };
    const pricer = createPricer(loadCatalog());
    replicas = await Promise.all([0, 1].map(() => startGateway(parseGatewayConfig(section, { OPENAI_API_KEY: 'sk-real' }, 0), { pricer, spanDelayMs: 10 })));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((g) => g.stop()));
    await Promise.all([upstream.close(), receiver.close()]);
  });

  it('two replicas of a key with rpm 5 admit 4 calls in all, whichever replica each call reaches', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      // A balancer spreading calls: alternate replicas.
      const client = new OpenAI({ apiKey: KEY, baseURL: `${replicas[i % 2]!.url}/openai/v1`, maxRetries: 0 });
      statuses.push(await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).then(() => 200, (e: { status: number }) => e.status));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(upstream.requests).toHaveLength(4);
  });
});
