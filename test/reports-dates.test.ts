import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

describe('reports API inputs are real dates the store can hold (real ClickHouse)', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('report_dates', { yaml: 'clients:\n  - id: acme\n' });
  });
  afterAll(() => r.stop());
  const get = async (path: string) => {
    const res = await fetch(`${r.url}${path}`);
    return { status: res.status, body: (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null };
  };

  it.each([
    ['/api/v1/usage?from=2025-02-01&to=2025-02-30', 'query: to: not a real date: 2025-02-30 (no such day in that month)'],
    ['/api/v1/usage?from=2025-02-29&to=2025-03-01', 'query: from: not a real date: 2025-02-29 (no such day in that month)'],
    ['/api/v1/usage?from=2025-01-01T24:00:00Z&to=2025-03-01', 'query: from: not a real date: 2025-01-01T24:00:00Z (no such time of day)'],
    ['/api/v1/usage?from=2105-01-01&to=2106-01-01', 'query: to: 2106-01-01 is outside what the store holds (1970-01-01 to 2105-12-31T23:59:59Z)'],
    ['/api/v1/usage?from=1969-12-31&to=1970-02-01', 'query: from: 1969-12-31 is outside what the store holds (1970-01-01 to 2105-12-31T23:59:59Z)'],
    ['/api/v1/export?from=2025-04-31&to=2025-05-02', 'query: from: not a real date: 2025-04-31 (no such day in that month)'],
    ['/api/v1/invoices/acme?period=2106-01', 'period: 2106-01 is outside what the store holds (1970-01 to 2105-11)'],
  ])('answers 400 to %s', async (path, message) => {
    expect(await get(path)).toEqual({ status: 400, body: { error: { code: 'invalid_request', message } } });
  });

  it('accepts real dates at the edges: a leap day, the last day the store holds', async () => {
    expect((await get('/api/v1/usage?from=2024-02-29&to=2024-03-01')).status).toBe(200);
    expect((await get('/api/v1/usage?from=2105-01-01&to=2105-12-31')).status).toBe(200);
    expect((await get('/api/v1/usage?from=2025-01-01T00:00:00%2B05:30&to=2025-01-02')).status).toBe(200);
    expect((await get('/api/v1/invoices/acme?period=2105-11')).status).toBe(200);
  });
});
