import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BudgetExceededError, BudgetUnavailableError } from '../errors.js';
import { budget, budgetsReply } from '../test-support/budgets-wire.js';
import { startFakeServer, type FakeServer } from '../test-support/fake-server.js';
import { checkBudget, createBudgetGuard, type BudgetCall } from './budget-guard.js';

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
    // One answer for the client, one list of scoped caps (404 here: a receiver without scoped budgets).
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/api/v1/budgets', '/api/v1/budgets/acme']);
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

  it('asks only for the scoped caps about unattributed calls, and lets them through when none holds them', async () => {
    const guard = createBudgetGuard({ url: server.url });
    (await guard.acquire(undefined))();
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/budgets']);
    const unscoped = createBudgetGuard({ url: server.url, scopedBudgets: false });
    (await unscoped.acquire(undefined))();
    expect(server.requests).toHaveLength(1);
  });

  it('checkBudget reuses one guard per options object', async () => {
    const options = { url: server.url };
    await checkBudget('soft', options);
    await checkBudget('soft', options);
    expect(server.requests).toHaveLength(1);
    await expect(checkBudget('globex', options)).rejects.toBeInstanceOf(BudgetExceededError);
  });
});

describe('createBudgetGuard on scoped budgets (GET /api/v1/budgets)', () => {
  let list: FakeServer;
  const scoped = (scope: unknown, f: Partial<Record<string, unknown>>) => ({ client: null, scope, period: '2026-11', hard_cap: true, ...f });
  beforeAll(async () => {
    list = await startFakeServer((req) => {
      if (req.path === '/api/v1/budgets/acme') return { json: budget('acme', { budget: '500', spent: '1', remaining: '499', status: 'ok', hardCap: true }) };
      if (req.path !== '/api/v1/budgets') return { status: 404, json: { error: { code: 'not_found', message: 'no budget' } } };
      return {
        json: {
          budgets: [
            { ...budget('acme', { budget: '500', spent: '1', remaining: '499', status: 'ok', hardCap: true }), scope: { client: 'acme' } },
            scoped('account', { budget_usd: '5000', spent_usd: '10', remaining_usd: '4990', status: 'ok' }),
            // What a client's token sees of a cap shared with other clients: no figures.
            scoped({ project: 'chatbot' }, { status: 'exceeded', redacted: true }),
            scoped({ app: 'batch-worker' }, { budget_usd: '4', spent_usd: '4.5', remaining_usd: '-0.5', status: 'exceeded' }),
            scoped({ client: 'acme', feature: 'summarize' }, { budget_usd: '1', spent_usd: '0.975', remaining_usd: '0.025', status: 'warning' }),
            scoped({ feature: 'soft' }, { budget_usd: '1', spent_usd: '9', remaining_usd: '-8', status: 'exceeded', hard_cap: false }),
          ],
        },
      };
    });
  });
  afterAll(() => list.close());
  const call = (over: Partial<BudgetCall> = {}): BudgetCall => ({ provider: 'openai', operation: 'chat', model: 'gpt-4o', ...over });

  it('refuses a call in an exhausted scope, naming the scope, with or without figures', async () => {
    const guard = createBudgetGuard({ url: list.url, cacheMs: 60_000 });
    const redacted = await guard.acquire('globex', call({ project: 'chatbot' })).catch((e: unknown) => e);
    expect(redacted).toBeInstanceOf(BudgetExceededError);
    expect(redacted).toMatchObject({
      message: 'the budget of scope project=chatbot is used up for 2026-11 (hard cap): calls in that scope are refused',
      figures: { clientId: 'globex', scope: 'project=chatbot', status: 'exceeded', budgetUsd: '' },
    });
    const unattributed = createBudgetGuard({ url: list.url, serviceName: 'batch-worker' });
    await expect(unattributed.acquire(undefined, call())).rejects.toMatchObject({
      code: 'budget_exceeded',
      message: 'the budget of scope app=batch-worker is over for 2026-11: spent 4.5 of 4 USD, remaining -0.500000000, reserved by calls in flight 0.000000000',
      figures: { clientId: '', scope: 'app=batch-worker', spentUsd: '4.5', budgetUsd: '4' },
    });
  });

  it('lets through calls outside every exhausted scope, and ignores budgets without a hard cap', async () => {
    const guard = createBudgetGuard({ url: list.url, serviceName: 'api' });
    (await guard.acquire('acme', call({ project: 'support', feature: 'soft' })))();
    (await guard.acquire(undefined, call({ project: 'chatbots' })))();
    (await guard.acquire('globex', call({ feature: 'summarize' })))();
  });

  it('reserves in-flight calls against a scope: of a burst, only what fits in what remains goes through', async () => {
    const guard = createBudgetGuard({ url: list.url, estimateUsd: '0.01' });
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => guard.acquire('acme', call({ feature: 'summarize' }))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ figures: { scope: 'client=acme, feature=summarize', remainingUsd: '0.025000000', reservedUsd: '0.020000000' } });
    outcomes.forEach((o) => o.status === 'fulfilled' && o.value());
    (await guard.acquire('acme', call({ feature: 'summarize' })))();
    expect(guard.reservedUsd('acme')).toBe('0.000000000');
  });

  it('can be told to enforce client budgets only', async () => {
    const before = list.requests.length;
    const guard = createBudgetGuard({ url: list.url, serviceName: 'batch-worker', scopedBudgets: false });
    (await guard.acquire(undefined, call()))();
    expect(list.requests.length).toBe(before);
  });
});
