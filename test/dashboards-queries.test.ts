import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { comparableSettings, createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { usageReport } from '../packages/receiver/src/reports/usage-report.js';
import { seedDashboardFixture } from './support/dashboard-fixture.js';
import { dashboardFiles, loadDashboard, panelByTitle, panelRunner, renderSql, type PanelRunner } from './support/dashboard-queries.js';
import type { QueryTime } from './support/grafana-macros.js';
import type { VariableValues } from './support/grafana-variables.js';

// Every figure below is worked out by hand from test/support/dashboard-fixture.ts (nano-USD in the
// comments); the panels' SQL runs as the plugin sends it, on the real ClickHouse, with the test
// database as the session default just as the datasource's defaultDatabase sets it.

const october: QueryTime = { from: new Date('2026-10-01T00:00:00.000Z'), to: new Date('2026-10-31T23:59:59.999Z'), intervalMs: 3_600_000 };
const vars: VariableValues = { client: 'acme', provider: ['anthropic', 'openai'] };

let db: TestDatabase;
let store: StoreClient;
let runner: PanelRunner;

const run = (dashboard: string, title: string, time = october, variables = vars) =>
  runner.rows(renderSql(panelByTitle(loadDashboard(dashboard), title).targets[0]!.rawSql, time, variables));
const pick = (rows: Record<string, string | null>[], ...cols: string[]) => rows.map((r) => cols.map((c) => r[c]));

beforeAll(async () => {
  db = await createTestDatabase('dashboards');
  store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
  await migrate(store, { database: db.name, cluster: null });
  await seedDashboardFixture(store);
  runner = panelRunner(db.url, db.name, await comparableSettings(db.url));
});
afterAll(async () => {
  await runner.close();
  await store.close();
  await db.drop();
});

describe('every panel', () => {
  const panels = dashboardFiles().flatMap((f) => loadDashboard(f).panels.map((p) => [f, p.title, p.targets[0]!.rawSql] as const));
  it.each(panels)('%s "%s" runs on this ClickHouse with macros and variables filled', async (_file, _title, rawSql) => {
    const sql = renderSql(rawSql, october, vars);
    expect(sql).not.toContain('$');
    await expect(runner.rows(sql)).resolves.toBeInstanceOf(Array);
  });
});

describe('Agency overview', () => {
  it('spend 104,600,000, billed with markup 120,265,000 (acme ×1.25, globex ×1.1, initech at cost), margin 15,665,000', async () => {
    expect(await run('agency-overview', 'Spend, billed, margin')).toEqual([{ spend_usd: '0.104600000', billed_usd: '0.120265000', margin_usd: '0.015665000' }]);
  });

  it('shows unattributed spend and the unpriced and unmetered calls', async () => {
    expect(await run('agency-overview', 'Spend nobody can bill')).toEqual([{ unattributed_usd: '0.003250000', unattributed_calls: '1', unpriced_calls: '1', unmetered_calls: '1' }]);
  });

  it('lists each client with billed amount, margin and the change against September', async () => {
    const rows = await run('agency-overview', 'Clients this period');
    expect(pick(rows, 'client', 'client_name', 'calls', 'spend_usd', 'billed_usd', 'margin_usd', 'previous_usd', 'change_pct')).toEqual([
      ['acme', 'Acme Corp', '5', '0.060700000', '0.075875000', '0.015175000', '0.025000000', '142.8'],
      ['globex', 'Globex', '3', '0.037400000', '0.041140000', '0.003740000', '0.003250000', '1050.8'],
      ['', '(unattributed)', '1', '0.003250000', '0.000000000', '-0.003250000', '0.000000000', null],
      ['initech', '', '1', '0.003250000', '0.003250000', '0.000000000', '0.000000000', null],
    ]);
  });

  it('ranks models by spend with their share', async () => {
    expect(pick(await run('agency-overview', 'Top models'), 'model', 'calls', 'spend_usd', 'share_pct')).toEqual([
      ['gpt-4o-2024-08-06', '7', '0.091250000', '87.2'],
      ['claude-sonnet-4-20250514', '2', '0.013350000', '12.8'],
      ['ft:gpt-4o:acme', '1', '0.000000000', '0'],
    ]);
  });

  it("gives budget use in each client's billing period with its own alert levels as thresholds", async () => {
    // acme: 60,700,000 of 50,000,000; globex from 5 October only: 2,400,000 of 75,000,000.
    expect(await run('agency-overview', 'Budget used this billing period')).toEqual([
      { client: 'Acme Corp', used_pct: '121.4', threshold_first: '50', threshold_high: '80', threshold_last: '100' },
      { client: 'Globex', used_pct: '3.2', threshold_first: '80', threshold_high: '80', threshold_last: '100' },
    ]);
  });
});

describe('Client detail (acme)', () => {
  it('spends per day, the repriced call at its new cost', async () => {
    expect(pick(await run('client-detail', 'Spend per day'), 'time', 'spend_usd')).toEqual([
      ['2026-10-02', '0.004000000'],
      ['2026-10-05', '0.010950000'],
      ['2026-10-06', '0.000000000'],
      ['2026-10-09', '0.042500000'],
      ['2026-10-20', '0.003250000'],
    ]);
  });

  it('splits tokens by type with the cached share of input', async () => {
    expect(await run('client-detail', 'Tokens by type')).toEqual([
      { uncached_input: '12600', cached_input: '11400', cache_write: '200', output: '1470', reasoning: '0', cached_share_pct: '47.1' },
    ]);
  });

  it('groups by project, app and feature', async () => {
    expect(pick(await run('client-detail', 'By project, app and feature'), 'project', 'app', 'feature', 'calls', 'spend_usd')).toEqual([
      ['support-bot', 'api', 'summarize', '3', '0.046500000'],
      ['search', 'api', 'chat', '1', '0.010950000'],
      ['support-bot', 'worker', 'summarize', '1', '0.003250000'],
    ]);
  });

  it('forecasts period end at the run rate so far: 57,450,000 by the 15th × 31 days / 15 days', async () => {
    const firstHalf = { ...october, to: new Date('2026-10-15T23:59:59.999Z') };
    expect(await run('client-detail', 'Period-end forecast', firstHalf)).toEqual([{ spent_usd: '0.057450000', forecast_usd: '0.118730000', budget_usd: '0.050000000' }]);
  });

  it('lists the costliest calls at their newest revision', async () => {
    expect(pick(await run('client-detail', 'Most expensive calls'), 'span_id', 'model', 'cost_usd')).toEqual([
      ['000000000000000a', 'gpt-4o-2024-08-06', '0.042500000'],
      ['0000000000000002', 'claude-sonnet-4-20250514', '0.010950000'],
      ['0000000000000001', 'gpt-4o-2024-08-06', '0.004000000'],
      ['0000000000000003', 'gpt-4o-2024-08-06', '0.003250000'],
      ['0000000000000007', 'ft:gpt-4o:acme', '0.000000000'],
    ]);
  });
});

describe('Models', () => {
  it('sets cost share against call share and cost per 1,000 calls', async () => {
    expect(pick(await run('models', 'Models: calls, cost, cost per 1,000 calls'), 'model', 'calls', 'call_share_pct', 'spend_usd', 'cost_share_pct', 'per_1k_calls_usd')).toEqual([
      ['gpt-4o-2024-08-06', '7', '70', '0.091250000', '87.24', '13.035714285'],
      ['claude-sonnet-4-20250514', '2', '20', '0.013350000', '12.76', '6.675000000'],
      ['ft:gpt-4o:acme', '1', '10', '0.000000000', '0', '0.000000000'],
    ]);
  });

  it('prices cache reads at the derived input price, the repriced call at its new price only', async () => {
    // gpt-4o: 10,400 cached tokens × 2,500 = 26,000,000 against 13,000,000 paid; claude: 4,000 × 3,000 against 1,200,000.
    expect(pick(await run('models', 'Savings from cached tokens'), 'price_key', 'cached_tokens', 'cached_cost_usd', 'at_input_price_usd', 'saved_usd')).toEqual([
      ['openai/gpt-4o@2024-05-13', '10400', '0.013000000', '0.026000000', '0.013000000'],
      ['anthropic/claude-sonnet-4@2025-05-14', '4000', '0.001200000', '0.012000000', '0.010800000'],
    ]);
  });
});

describe('Pipeline health', () => {
  it('counts spans by outcome in the range', async () => {
    expect(await run('pipeline-health', 'Spans by outcome')).toEqual([{ received: '10', billed: '10', ignored: '3', unmetered: '1', unpriced: '1', rejected: '1', duplicate: '2' }]);
  });

  it('averages the ingest lag of billed spans per interval', async () => {
    expect(await run('pipeline-health', 'Ingest lag')).toEqual([{ time: '2026-10-10 12:00:00', avg_lag_ms: '800' }]);
  });

  it('lists models seen without a price', async () => {
    expect(pick(await run('pipeline-health', 'Models seen without a price'), 'provider', 'model', 'calls', 'input_tokens', 'first_seen')).toEqual([
      ['openai', 'ft:gpt-4o:acme', '1', '700', '2026-10-06 08:00:00'],
    ]);
  });
});

describe('the dashboards agree with the usage API on the same calls', () => {
  const octoberRange = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };

  it('spend per client in "Clients this period" equals GET /api/v1/usage grouped by client', async () => {
    const api = await usageReport(store, { ...octoberRange, group_by: ['client'] });
    const panel = await run('agency-overview', 'Clients this period');
    const byClient = (rows: Array<[unknown, unknown]>) => Object.fromEntries(rows.map(([k, v]) => [String(k), String(v)]));
    expect(byClient(pick(panel, 'client', 'spend_usd') as Array<[unknown, unknown]>)).toEqual(byClient(api.rows.map((r) => [r.client, r.cost_usd])));
  });

  it('spend per model in "Top models" equals the usage API grouped by provider and model', async () => {
    const api = await usageReport(store, { ...octoberRange, group_by: ['provider', 'model'] });
    const panel = await run('agency-overview', 'Top models');
    const key = (provider: unknown, model: unknown) => `${String(provider)}/${String(model)}`;
    const fromPanel = Object.fromEntries(panel.map((r) => [key(r.provider, r.model), r.spend_usd]));
    const fromApi = Object.fromEntries(api.rows.map((r) => [key(r.provider, r.model), r.cost_usd]));
    expect(fromPanel).toEqual(fromApi);
  });
});
