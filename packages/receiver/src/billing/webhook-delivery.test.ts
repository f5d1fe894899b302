import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffMs, deliverWebhook, signature } from './webhook-delivery.js';

interface Received { headers: IncomingMessage['headers']; body: string }

describe('webhook delivery', () => {
  let server: Server;
  let url: string;
  const received: Received[] = [];
  let failures = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failures > 0) {
          failures--;
          res.writeHead(503).end();
        } else if (req.url === '/gone') res.writeHead(404).end();
        else res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('signs the raw body with HMAC-SHA256 so a receiver can verify it', async () => {
    received.length = 0;
    const body = '{"text":"TokenLedger: acme has reached 80%"}';
    const result = await deliverWebhook({ url, format: 'slack', secret: 's3cret' }, body, 'budget:acme:2026-11:80:', { attempts: 1, baseMs: 1, timeoutMs: 2000 });
    expect(result).toEqual({ ok: true, attempts: 1, lastError: '' });
    const got = received[0]!;
    expect(got.body).toBe(body);
    expect(got.headers['x-tokenledger-alert-id']).toBe('budget:acme:2026-11:80:');
    // What a receiver does: recompute over the raw bytes and compare in constant time.
    const expected = Buffer.from(`sha256=${createHmac('sha256', 's3cret').update(got.body).digest('hex')}`);
    const presented = Buffer.from(String(got.headers['x-tokenledger-signature']));
    expect(presented.length === expected.length && timingSafeEqual(presented, expected)).toBe(true);
    expect(signature('key', 'body')).toBe('sha256=' + createHmac('sha256', 'key').update('body').digest('hex'));
  });

  it('retries 5xx with exponential backoff, and gives up on other 4xx at once', async () => {
    received.length = 0;
    failures = 2;
    expect(await deliverWebhook({ url, format: 'json', secret: null }, '{}', 'a', { attempts: 5, baseMs: 5, timeoutMs: 2000 })).toEqual({ ok: true, attempts: 3, lastError: '' });
    expect(received).toHaveLength(3);
    expect(received[0]!.headers['x-tokenledger-signature']).toBeUndefined();
    expect(await deliverWebhook({ url: `${url}/gone`, format: 'json', secret: null }, '{}', 'a', { attempts: 5, baseMs: 5, timeoutMs: 2000 })).toEqual({ ok: false, attempts: 1, lastError: 'HTTP 404' });
    expect([1, 2, 3, 4].map((n) => backoffMs({ attempts: 5, baseMs: 1000, timeoutMs: 1 }, n))).toEqual([1000, 2000, 4000, 8000]);
  });
});
