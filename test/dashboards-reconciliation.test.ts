import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconciliationReport } from '../packages/receiver/src/reconcile/index.js';
import { comparableSettings } from './support/clickhouse.js';
import { loadDashboard, panelByTitle, panelRunner, renderSql, type PanelRunner } from './support/dashboard-queries.js';
import type { QueryTime } from './support/grafana-macros.js';
import { reconcileWorld, type ReconcileWorld } from './support/reconcile-fixture.js';

// The days of test/support/reconcile-fixture.ts, imported through the real importer from the fake
// admin APIs; every figure below is worked out by hand there (nano-USD).

const october: QueryTime = { from: new Date('2026-10-01T00:00:00.000Z'), to: new Date('2026-10-31T23:59:59.999Z'), intervalMs: 3_600_000 };
const vars = { provider: ['anthropic', 'openai'] };

let world: ReconcileWorld;
let runner: PanelRunner;

const run = (title: string, variables: Record<string, string | string[]> = vars) => runner.rows(renderSql(panelByTitle(loadDashboard('reconciliation'), title).targets[0]!.rawSql, october, variables));
const pick = (rows: Record<string, string | null>[], ...cols: string[]) => rows.map((r) => cols.map((c) => r[c]));

beforeAll(async () => {
  world = await reconcileWorld('dash_reconcile');
  await world.importDays('2026-10-01', '2026-11-01');
  runner = panelRunner(world.db.url, world.db.name, await comparableSettings(world.db.url));
});
afterAll(async () => {
  await runner.close();
  await world.close();
});

describe('Reconciliation dashboard', () => {
  it('totals the bill 37,410,000 against 28,605,000 tracked: drift 8,805,000, 23.54%', async () => {
    expect(await run('Provider bill, tracked, drift')).toEqual([{ provider_usd: '0.037410000', tracked_usd: '0.028605000', drift_usd: '0.008805000', drift_pct: '23.54' }]);
  });

  it('sets the bill against tracked spend per day, a day with one side only included', async () => {
    expect(pick(await run('Provider bill vs tracked per day'), 'time', 'provider_usd', 'tracked_usd')).toEqual([
      ['2026-10-01', '0.011455000', '0.011355000'],
      ['2026-10-02', '0.023855000', '0.014000000'],
      ['2026-10-03', '0.002100000', '0.000000000'],
      ['2026-10-04', '0.000000000', '0.003250000'],
    ]);
  });

  it('shows drift per day and provider where the provider reported, as the API does', async () => {
    const rows = await run('Drift per day and provider');
    expect(pick(rows, 'day', 'provider', 'provider_usd', 'tracked_usd', 'drift_usd', 'drift_pct')).toEqual([
      ['2026-10-01', 'anthropic', '0.003855000', '0.003855000', '0.000000000', '0'],
      ['2026-10-01', 'openai', '0.007600000', '0.007500000', '0.000100000', '1.32'],
      ['2026-10-02', 'anthropic', '0.003855000', '0.004000000', '-0.000145000', '-3.76'],
      ['2026-10-02', 'openai', '0.020000000', '0.010000000', '0.010000000', '50'],
      ['2026-10-03', 'openai', '0.002100000', '0.000000000', '0.002100000', '100'],
    ]);
    const api = await reconciliationReport(world.store, world.pricer, { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z'), group_by: ['day', 'provider'] }, 2);
    const withProvider = api.rows.filter((r) => r.provider_cost_usd !== null);
    expect(pick(rows, 'day', 'provider', 'drift_usd')).toEqual(withProvider.map((r) => [r.day, r.provider, r.drift_usd]));
  });

  it('puts snapshot and alias on one model and lists untracked spend per provider and model', async () => {
    expect(pick(await run('Untracked spend per provider and model'), 'provider', 'model', 'provider_usd', 'tracked_usd', 'drift_usd', 'untracked_usd')).toEqual([
      ['openai', 'gpt-4o-mini', '0.002100000', '0.000000000', '0.002100000', '0.002100000'],
      ['openai', 'text-embedding-3-small', '0.000100000', '0.000000000', '0.000100000', '0.000100000'],
      ['anthropic', 'claude-sonnet-4', '0.007710000', '0.007855000', '-0.000145000', '0.000000000'],
      ['openai', 'gpt-4o', '0.027500000', '0.020750000', '0.006750000', '0.000000000'],
    ]);
  });

  it('narrows to the providers picked', async () => {
    expect(await run('Provider bill, tracked, drift', { provider: ['anthropic'] })).toEqual([{ provider_usd: '0.007710000', tracked_usd: '0.007855000', drift_usd: '-0.000145000', drift_pct: '-1.88' }]);
  });
});
