import { describe, expect, it } from 'vitest';
import { periodFromLabel } from './billing-period.js';
import { budgetState, budgetStatus, projectedNanos } from './budget-status.js';
import type { ClientBilling } from './client-billing.js';
import { USD } from './invoice-currency.js';

const nov = periodFromLabel('2026-11');
const acme: ClientBilling = {
  id: 'acme', name: 'Acme', inConfig: true, plan: { type: 'cost_plus', markupPct: 0 }, markupPct: 0, markupBp: 0, budgetNanos: 100_000_000_000n, thresholds: [50, 80, 100],
  hardCap: true, periodStartDay: 1, webhookUrl: null, webhookFormat: 'json', webhookSecret: null, spikeFactor: 0, currency: USD,
};

describe('budget status', () => {
  it('projects month-end spend from the run rate: spent x period length / elapsed', () => {
    // 10 USD after 6 of 30 days -> 50 USD.
    expect(projectedNanos(10_000_000_000n, nov, new Date('2026-11-07T00:00:00Z'))).toBe(50_000_000_000n);
    expect(projectedNanos(7n, nov, nov.start)).toBe(7n);
  });

  it('is warning from the first threshold and exceeded at 100%', () => {
    expect(budgetState(49_999_999_999n, 100_000_000_000n, [50, 80, 100])).toBe('ok');
    expect(budgetState(50_000_000_000n, 100_000_000_000n, [50, 80, 100])).toBe('warning');
    expect(budgetState(100_000_000_000n, 100_000_000_000n, [50, 80, 100])).toBe('exceeded');
    expect(budgetState(1n, null, [50])).toBe('ok');
  });

  it('answers in full-precision USD strings', () => {
    expect(budgetStatus(acme, nov, 81_234_567_891n, new Date('2026-11-16T00:00:00Z'))).toEqual({
      client: 'acme',
      period: '2026-11',
      period_start: '2026-11-01T00:00:00.000Z',
      period_end: '2026-12-01T00:00:00.000Z',
      budget_usd: '100.000000000',
      spent_usd: '81.234567891',
      remaining_usd: '18.765432109',
      used_pct: 81.23,
      status: 'warning',
      hard_cap: true,
      projected_usd: '162.469135782',
      unpriced_calls: 0,
      unmetered_calls: 0,
    });
  });

  it('warns a hard-capped client whose spend is under-counted by unpriced or unmetered calls', () => {
    const low = new Date('2026-11-02T00:00:00Z');
    expect(budgetStatus(acme, nov, 1n, low).status).toBe('ok');
    expect(budgetStatus(acme, nov, 1n, low, { unpriced: 3, unmetered: 0 })).toMatchObject({ status: 'warning', unpriced_calls: 3, unmetered_calls: 0 });
    expect(budgetStatus(acme, nov, 1n, low, { unpriced: 0, unmetered: 1 }).status).toBe('warning');
    expect(budgetStatus(acme, nov, 100_000_000_000n, low, { unpriced: 3, unmetered: 0 }).status).toBe('exceeded');
    expect(budgetStatus({ ...acme, hardCap: false }, nov, 1n, low, { unpriced: 3, unmetered: 0 }).status).toBe('ok');
  });

  it('answers budget_usd null and ok for a client without a budget', () => {
    const s = budgetStatus({ ...acme, budgetNanos: null, hardCap: false }, nov, 5n, nov.end);
    expect([s.budget_usd, s.remaining_usd, s.used_pct, s.status]).toEqual([null, null, null, 'ok']);
  });
});
