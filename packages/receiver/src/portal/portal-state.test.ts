import { describe, expect, it } from 'vitest';
import { SESSION_TTL_MS, SessionStore } from './session-store.js';
import { FAILURES_ALLOWED, SignInLimiter, WINDOW_MS } from './sign-in-limiter.js';
import { textOn } from './portal-style.js';

const clock = (start: number) => {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
};

describe('portal sessions', () => {
  it('gives each sign-in its own random id and CSRF value, forgets it on delete and after the TTL', () => {
    const c = clock(Date.parse('2026-11-20T12:00:00Z'));
    const store = new SessionStore(c.now);
    const a = store.create('acme');
    const b = store.create(null);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([a.id, b.id, a.csrf, b.csrf]).size).toBe(4);
    expect(store.get(a.id)).toMatchObject({ scopeClient: 'acme' });
    store.delete(a.id);
    expect(store.get(a.id)).toBeNull();
    c.advance(SESSION_TTL_MS);
    expect(store.get(b.id)).toBeNull();
    expect(store.get(undefined)).toBeNull();
  });
});

describe('failed sign-in limit', () => {
  it(`allows ${FAILURES_ALLOWED} failures per address in a sliding minute, then says how long to wait`, () => {
    const c = clock(0);
    const limiter = new SignInLimiter(c.now);
    for (let i = 0; i < FAILURES_ALLOWED; i += 1) {
      expect(limiter.waitMs('10.0.0.1')).toBe(0);
      limiter.fail('10.0.0.1');
      c.advance(1_000);
    }
    // The first failure was at t=0: the address may try again at t=WINDOW_MS.
    expect(limiter.waitMs('10.0.0.1')).toBe(WINDOW_MS - FAILURES_ALLOWED * 1_000);
    expect(limiter.waitMs('10.0.0.2')).toBe(0);
    c.advance(WINDOW_MS - FAILURES_ALLOWED * 1_000);
    expect(limiter.waitMs('10.0.0.1')).toBe(0);
  });
});

describe('accent color', () => {
  it('puts black text on a light accent and white on a dark one', () => {
    expect(textOn('#ffe066')).toBe('#000000');
    expect(textOn('#0f766e')).toBe('#ffffff');
    expect(textOn('#2563eb')).toBe('#ffffff');
  });
});
