import { describe, expect, it } from 'vitest';
import type { StoreClient } from '../clickhouse/store-client.js';
import type { Alert } from './alert.js';
import { Alerter, type SuppressedReason } from './alerter.js';

const alert = (period: string, subject = 'openai/x'): Alert => ({
  kind: 'unpriced', client: 'acme', client_name: 'Acme', period, threshold: 0, subject, spent_nanos: 0n, budget_nanos: null, message: 'm', details: {},
});

describe('Alerter bounds', () => {
  it('does not fire for a period outside the month before last to the next month', () => {
    const suppressed: SuppressedReason[] = [];
    // Suppressed alerts never reach the store: a store that is not there proves it.
    const alerter = new Alerter({} as StoreClient, () => new Date('2026-11-20T12:00:00Z'), { attempts: 1, baseMs: 1, timeoutMs: 100 }, () => null, undefined, (r) => suppressed.push(r));
    expect([alert('2026-08'), alert('2027-01'), alert('1970-01')].map((a) => alerter.fire(a))).toEqual([false, false, false]);
    expect(suppressed).toEqual(['period', 'period', 'period']);
  });
});
