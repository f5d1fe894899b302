import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAdminFetch, retryAfterMs } from './admin-fetch.js';

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates (RFC 9110 10.2.3)', () => {
    const now = Date.parse('2026-10-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs('Thu, 01 Oct 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
});

describe('createAdminFetch', () => {
  it('spaces requests to the configured rate and stops at once on a refused key', async () => {
    const seen: number[] = [];
    const server = createServer((req, res) => {
      seen.push(Date.now());
      res.writeHead(req.url === '/refused' ? 403 : 200).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const get = createAdminFetch({ attempts: 3, baseMs: 1, maxDelayMs: 10, timeoutMs: 5_000, requestsPerSecond: 20 });
      const started = Date.now();
      for (let i = 0; i < 5; i++) await get({ provider: 'openai', url: new URL(`${base}/ok`), headers: {} });
      // 5 requests at 20/s: the fifth starts 4 gaps of 50 ms after the first (a lower bound, which load cannot break).
      expect(Date.now() - started).toBeGreaterThanOrEqual(190); // timers may fire a millisecond early
      expect(seen).toHaveLength(5);
      seen.length = 0;
      await expect(get({ provider: 'openai', url: new URL(`${base}/refused`), headers: { authorization: 'Bearer sk-admin-secret' } })).rejects.toThrow(
        /^openai: the admin API refused the admin key \(HTTP 403\)$/,
      );
      expect(seen).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
