import { describe, expect, it } from 'vitest';
import type { BudgetSnapshot, BudgetSource } from './budget-source.js';
import type { ScopedCap } from '@tokenledger/otel';
import { CapGuard } from './cap-guard.js';
import { RateWindow } from './rate-window.js';
import { UnstoredSpend } from './unstored-spend.js';

const USD = 1_000_000_000n;
const periodEnd = new Date('2026-12-01T00:00:00Z');

function guardWith(snapshot: () => BudgetSnapshot, clock: { now: number }) {
  const unstored = new UnstoredSpend();
  // Nothing in hand: every admission waits on the reads (the path of a cold or expired cache).
  const budgets = { get: async () => snapshot(), scopedCaps: async () => ({ caps: [], askedAt: 0 }), cached: () => undefined, cachedScopedCaps: () => undefined } as unknown as BudgetSource;
  const guard = new CapGuard({ budgets, unstored, rates: new RateWindow(), now: () => clock.now, onBudgetUnavailable: () => undefined, onScopedBudgetsUnavailable: () => undefined });
  return { guard, unstored };
}

describe('CapGuard', () => {
  const clock = { now: Date.parse('2026-11-30T23:00:00Z') };
  const capped = (spent: bigint, askedAt = clock.now - 1): BudgetSnapshot => ({ budgetNanos: 10n * USD, spentNanos: spent, hardCap: true, periodEnd, askedAt });

  it('refuses a hard-capped client whose stored spend reached the budget, Retry-After until the period ends', async () => {
    const { guard } = guardWith(() => capped(10n * USD), clock);
    await expect(guard.admit({ id: 'a', client: 'acme', key: undefined, estimateNanos: 1n })).rejects.toMatchObject({ code: 'budget_exceeded', status: 429, retryAfterSeconds: 3600 });
  });

  it('counts its own reservations: of a burst, only the calls that fit before the cap go through', async () => {
    const { guard } = guardWith(() => capped(6n * USD), clock);
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => guard.admit({ id: `s${i}`, client: 'acme', key: undefined, estimateNanos: 2n * USD })));
    // 6 stored + 2 reserved = 8 < 10 lets the second in; at 10 the third is refused.
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });

  it('answers in hand: decided without reading, a burst still stops at the cap', async () => {
    const unstored = new UnstoredSpend();
    const read = () => Promise.reject(new Error('a cached answer was read again'));
    const budgets = { get: read, scopedCaps: read, cached: () => capped(6n * USD), cachedScopedCaps: () => ({ caps: [], askedAt: clock.now - 1 }) } as unknown as BudgetSource;
    const unavailable: unknown[] = [];
    const guard = new CapGuard({ budgets, unstored, rates: new RateWindow(), now: () => clock.now, onBudgetUnavailable: (_c, e) => unavailable.push(e), onScopedBudgetsUnavailable: (_c, e) => unavailable.push(e) });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => guard.admit({ id: `h${i}`, client: 'acme', key: undefined, estimateNanos: 2n * USD })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(unavailable).toEqual([]);
    expect(unstored.holds('h1') && unstored.holds('h2') && !unstored.holds('h3')).toBe(true);
  });

  it('a settled call counts until a budget answer asked for after its span was stored includes it', async () => {
    let snapshot = capped(9n * USD);
    const { guard, unstored } = guardWith(() => snapshot, clock);
    await guard.admit({ id: 'one', client: 'acme', key: undefined, estimateNanos: 2n * USD });
    unstored.settle('one', USD);
    unstored.stored('one', clock.now);
    // The answer in hand predates the store: 9 + 1 = 10, used up.
    await expect(guard.admit({ id: 'two', client: 'acme', key: undefined, estimateNanos: 1n })).rejects.toMatchObject({ code: 'budget_exceeded' });
    // A newer answer includes it (10 stored): refused on the stored figure alone, and the entry is
    // forgotten, so it is not counted twice once the budget is raised.
    snapshot = { ...capped(10n * USD, clock.now + 1) };
    await expect(guard.admit({ id: 'three', client: 'acme', key: undefined, estimateNanos: 1n })).rejects.toMatchObject({ code: 'budget_exceeded' });
    expect(unstored.size).toBe(0);
    snapshot = { ...capped(10n * USD, clock.now + 2), budgetNanos: 20n * USD };
    await expect(guard.admit({ id: 'four', client: 'acme', key: undefined, estimateNanos: 1n })).resolves.toBeUndefined();
  });

  it('lets clients without a hard cap or a budget through', async () => {
    const { guard } = guardWith(() => ({ ...capped(99n * USD), hardCap: false }), clock);
    await expect(guard.admit({ id: 'x', client: 'acme', key: undefined, estimateNanos: 1n })).resolves.toBeUndefined();
    const none = guardWith(() => ({ ...capped(0n), budgetNanos: null }), clock);
    await expect(none.guard.admit({ id: 'y', client: 'acme', key: undefined, estimateNanos: 1n })).resolves.toBeUndefined();
  });

  it('rpm: the key limit over a sliding minute, Retry-After until the oldest call ages out', async () => {
    const { guard } = guardWith(() => ({ ...capped(0n), budgetNanos: null }), clock);
    const key = { client: 'acme', rpm: 2, slot: 0 };
    const start = clock.now;
    await guard.admit({ id: '1', client: 'acme', key, estimateNanos: 0n });
    clock.now = start + 20_000;
    await guard.admit({ id: '2', client: 'acme', key, estimateNanos: 0n });
    await expect(guard.admit({ id: '3', client: 'acme', key, estimateNanos: 0n })).rejects.toMatchObject({ code: 'rate_limit_exceeded', retryAfterSeconds: 40 });
    clock.now = start + 60_001;
    await expect(guard.admit({ id: '4', client: 'acme', key, estimateNanos: 0n })).resolves.toBeUndefined();
    clock.now = start;
  });
});

describe('UnstoredSpend.sweep', () => {
  it('forgets entries stored before the oldest answer in use and reservations whose span was lost', () => {
    const unstored = new UnstoredSpend();
    unstored.reserve('stored-old', ['acme'], 5n, 0);
    unstored.reserve('stored-new', ['acme'], 7n, 0);
    unstored.reserve('lost', ['acme'], 11n, 0);
    unstored.reserve('running', ['acme'], 13n, 5000);
    unstored.stored('stored-old', 1000);
    unstored.stored('stored-new', 3000);
    unstored.sweep(2000, 4000);
    expect(unstored.size).toBe(2);
    // An answer asked at 2500 predates stored-new: it and the running call still count.
    expect(unstored.pendingFor('acme', 2500)).toBe(20n);
  });
});

describe('CapGuard on scoped budgets', () => {
  const clock = { now: Date.parse('2026-11-30T23:00:00Z') };
  const cap = (scope: ScopedCap['scope'], remaining: bigint | null, status: ScopedCap['status'] = 'ok'): ScopedCap => ({
    key: JSON.stringify(scope), scopeText: scope === 'account' ? 'account' : Object.entries(scope).map(([k, v]) => `${k}=${v}`).join(', '),
    scope, period: '2026-11', periodEnd, status, budgetUsd: null, spentUsd: null, remainingNanos: remaining,
  });
  function guardWithCaps(caps: ScopedCap[]) {
    const unstored = new UnstoredSpend();
    const budgets = { get: async () => ({ budgetNanos: null, spentNanos: 0n, hardCap: false, periodEnd, askedAt: 0 }), scopedCaps: async () => ({ caps, askedAt: clock.now - 1 }), cached: () => undefined, cachedScopedCaps: () => undefined } as unknown as BudgetSource;
    return { guard: new CapGuard({ budgets, unstored, rates: new RateWindow(), now: () => clock.now, onBudgetUnavailable: () => undefined, onScopedBudgetsUnavailable: () => undefined }), unstored };
  }

  it('reserves against every scope that holds the call, unattributed calls included, and refuses naming the scope', async () => {
    const { guard, unstored } = guardWithCaps([cap({ feature: 'chat' }, 3n * USD), cap('account', 100n * USD)]);
    const results = await Promise.allSettled([1, 2, 3].map((i) => guard.admit({ id: `c${i}`, client: undefined, feature: 'chat', key: undefined, estimateNanos: 2n * USD })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'budget_exceeded', status: 429, retryAfterSeconds: 3600, message: 'the budget of scope feature=chat is used up for this period (hard cap); retry after the period ends' });
    // Another feature is held by the account only (4 of 100 reserved).
    await expect(guard.admit({ id: 'o', client: 'acme', feature: 'search', key: undefined, estimateNanos: 2n * USD })).resolves.toBeUndefined();
    expect(unstored.pendingFor('scope:"account"', 0)).toBe(6n * USD);
  });

  it('refuses on the status alone when the receiver showed no figures, and lets calls outside the scope through', async () => {
    const { guard, unstored } = guardWithCaps([cap({ project: 'batch' }, null, 'exceeded'), cap({ client: 'acme', app: 'tokenledger-gateway' }, 1n * USD)]);
    await expect(guard.admit({ id: 'b', client: 'globex', project: 'batch', key: undefined, estimateNanos: 1n })).rejects.toMatchObject({ code: 'budget_exceeded', message: expect.stringContaining('project=batch') });
    await expect(guard.admit({ id: 'g', client: 'globex', project: 'other', key: undefined, estimateNanos: 1n })).resolves.toBeUndefined();
    // The gateway's calls are stored under its own service.name, so an app scope on it holds them.
    await guard.admit({ id: 'a1', client: 'acme', key: undefined, estimateNanos: USD });
    await expect(guard.admit({ id: 'a2', client: 'acme', key: undefined, estimateNanos: 1n })).rejects.toMatchObject({ message: expect.stringContaining('client=acme, app=tokenledger-gateway') });
    expect(unstored.holds('a1')).toBe(true);
  });
});
