import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BudgetExceededError, BudgetUnavailableError } from '../errors.js';
import { budget, budgetsReply } from '../test-support/budgets-wire.js';
import { startFakeServer, type FakeServer } from '../test-support/fake-server.js';
import { checkBudget, createBudgetGuard } from './budget-guard.js';

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer(
    budgetsReply({
      acme: budget('acme', { budget: '500', spent: '499.975', remaining: '0.025', status: 'warning', hardCap: true }),
      globex: budget('globex', { budget: '100', spent: '120.50', remaining: '-20.500', status: 'exceeded', hardCap: true }),
      soft: budget('soft', { budget: '10', spent: '12', remaining: '-2', status: 'exceeded', hardCap: false }),
      'a b/c': budget('a b/c', { budget: '10', spent: '1', remaining: '9', status: 'ok', hardCap: true }),
      // The receiver's answer for a client configured without a monthly budget.
      unbudgeted: { client: 'unbudgeted', period: '2026-11', budget_usd: null, spent_usd: '3.5', remaining_usd: null, used_pct: null, status: 'ok', hard_cap: true, projected_usd: '7' },
    }),
  );
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

describe('createBudgetGuard', () => {
  it('refuses a hard-capped client over budget with a typed error carrying the figures', async () => {
    const guard = createBudgetGuard({ url: server.url, token: 'api-token' });
    const error = await guard.check('globex').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      clientId: 'globex',
      figures: { clientId: 'globex', period: '2026-11', budgetUsd: '100', spentUsd: '120.50', remainingUsd: '-20.500', reservedUsd: '0.000000000', status: 'exceeded' },
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer api-token');
    expect(server.requests[0]?.path).toBe('/api/v1/budgets/globex');
  });

  it('lets through soft caps, clients without a budget (404 or budget_usd null), and escapes the client id in the path', async () => {
    const guard = createBudgetGuard({ url: `${server.url}/` });
    expect((await guard.check('soft'))?.status).toBe('exceeded');
    expect(await guard.check('nobody')).toBeUndefined();
    expect(await createBudgetGuard({ url: server.url, failOpen: false }).check('unbudgeted')).toBeUndefined();
    expect((await guard.check('a b/c'))?.status).toBe('ok');
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/budgets/soft', '/api/v1/budgets/nobody', '/api/v1/budgets/unbudgeted', '/api/v1/budgets/a%20b%2Fc']);
  });

  it('lets a burst near the cap through only as far as its reservations fit, on one answer', async () => {
    // remaining 0.025 USD, 0.01 reserved per call: two calls fit, the other three are refused.
    const guard = createBudgetGuard({ url: server.url, estimateUsd: '0.01' });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => guard.acquire('acme')));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(server.requests).toHaveLength(1);
    expect(guard.reservedUsd('acme')).toBe('0.020000000');
    const refused = outcomes[2] as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'budget_exceeded', figures: { remainingUsd: '0.025', reservedUsd: '0.020000000' } });

    const releases = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    releases[0]!();
    releases[0]!(); // releasing twice frees the reservation once
    expect(guard.reservedUsd('acme')).toBe('0.010000000');
    const again = await guard.acquire('acme');
    expect(guard.reservedUsd('acme')).toBe('0.020000000');
    again();
    releases[1]!();
    expect(guard.reservedUsd('acme')).toBe('0.000000000');
  });

  it('sizes reservations with a per-call estimate function', async () => {
    const guard = createBudgetGuard({ url: server.url, estimateUsd: (call) => (call.model === 'big' ? '0.02' : '0.001') });
    await guard.acquire('acme', { provider: 'openai', operation: 'chat', model: 'big' });
    await expect(guard.acquire('acme', { provider: 'openai', operation: 'chat', model: 'big' })).rejects.toBeInstanceOf(BudgetExceededError);
    await guard.acquire('acme', { provider: 'openai', operation: 'chat', model: 'small' });
    expect(guard.reservedUsd('acme')).toBe('0.021000000');
  });

  it('caches answers for cacheMs and asks again once they are stale', async () => {
    const cached = createBudgetGuard({ url: server.url });
    await cached.check('soft');
    await cached.check('soft');
    expect(server.requests).toHaveLength(1);
    const uncached = createBudgetGuard({ url: server.url, cacheMs: 0 });
    await uncached.check('soft');
    await uncached.check('soft');
    expect(server.requests).toHaveLength(3);
  });

  it('fails open by default and closed when asked, when the endpoint cannot answer', async () => {
    const open = createBudgetGuard({ url: server.url });
    const release = await open.acquire('broken');
    release();
    const closed = createBudgetGuard({ url: server.url, failOpen: false });
    await expect(closed.acquire('broken')).rejects.toBeInstanceOf(BudgetUnavailableError);
    const unreachable = createBudgetGuard({ url: 'http://127.0.0.1:1', failOpen: false });
    await expect(unreachable.check('acme')).rejects.toMatchObject({ code: 'budget_unavailable' });
  });

  it('lets unattributed calls through without asking', async () => {
    const guard = createBudgetGuard({ url: server.url });
    (await guard.acquire(undefined))();
    expect(server.requests).toHaveLength(0);
  });

  it('checkBudget reuses one guard per options object', async () => {
    const options = { url: server.url };
    await checkBudget('soft', options);
    await checkBudget('soft', options);
    expect(server.requests).toHaveLength(1);
    await expect(checkBudget('globex', options)).rejects.toBeInstanceOf(BudgetExceededError);
  });
});
