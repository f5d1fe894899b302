import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../packages/receiver/src/cli/main.js';
import type { StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { importFromApis, reconciliationReport } from '../packages/receiver/src/reconcile/index.js';
import type { TestDatabase } from './support/clickhouse.js';
import { ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY, type FakeAdminApis } from './support/fake-admin-apis.js';
import { reconcileWorld, sourcesYaml, type ReconcileWorld } from './support/reconcile-fixture.js';

let world: ReconcileWorld;
let db: TestDatabase;
let store: StoreClient;
let fake: FakeAdminApis;
let configPath: string;

const yaml = () => `reconcile:\n  tolerance_pct: 2\n  max_requests_per_second: 50\n${sourcesYaml(fake)}`;

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--config', configPath], {
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t) },
    env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name, OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY, ...env },
    cwd: tmpdir(),
  });
  return { code, stdout, stderr };
}

const october = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-05T00:00:00Z') };
const report = (group_by: ('day' | 'provider' | 'model' | 'client')[] = ['day', 'provider', 'model']) => reconciliationReport(store, world.pricer, { ...october, group_by }, 2);
const count = async (table: string) => Number((await db.queryRows<{ n: string }>(`SELECT count() AS n FROM ${db.name}.${table}`))[0]!.n);
const pick = (rows: object[], ...keys: string[]) => rows.map((r) => keys.map((k) => (r as Record<string, unknown>)[k]));

beforeAll(async () => {
  world = await reconcileWorld('reconcile');
  ({ db, store, fake } = world);
  configPath = join(mkdtempSync(join(tmpdir(), 'tl-reconcile-')), 'tokenledger.yaml');
  writeFileSync(configPath, yaml());
});
afterAll(() => world.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.failures.clear();
});

describe('tokenledger reconcile import (admin APIs)', () => {
  it('a wrong admin key is one line naming the provider and the status, exit 1, nothing imported', async () => {
    const out = await cli(['reconcile', 'import', '--from', '2026-10-01', '--to', '2026-10-05'], { ANTHROPIC_ADMIN_KEY: 'sk-ant-admin01-wrong' });
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('tokenledger reconcile: anthropic: the admin API refused the admin key (HTTP 401)\n');
    expect(out.stderr).not.toContain('wrong');
    expect(await count('provider_imports')).toBe(0);
    expect(await count('provider_usage_current')).toBe(0);
  });

  it('a missing admin key names the variable, before any request', async () => {
    const out = await cli(['reconcile', 'import', '--provider', 'openai', '--from', '2026-10-01', '--to', '2026-10-05'], { OPENAI_ADMIN_KEY: '' });
    expect(out).toEqual({ code: 1, stdout: '', stderr: 'tokenledger reconcile: openai: no admin key: the variable OPENAI_ADMIN_KEY is not set\n' });
    expect(fake.requests).toEqual([]);
  });

  it('a bad flag is one line and exit 2', async () => {
    expect(await cli(['reconcile', 'import', '--from', '2026-10-01'])).toEqual({ code: 2, stdout: '', stderr: 'tokenledger reconcile: --to YYYY-MM-DD is required\n' });
    expect((await cli(['reconcile', 'import', '--provider', 'gemini', '--from', '2026-10-01', '--to', '2026-10-02'])).stderr).toMatch(/^tokenledger reconcile: --provider must be openai or anthropic.*\n$/);
  });

  it('imports every page of both providers, grouped by model, project/workspace and key', async () => {
    // 40 days: two pages of usage buckets (limit 31) per usage endpoint, one page of costs (limit 180) at OpenAI.
    const out = await cli(['reconcile', 'import', '--from', '2026-09-22', '--to', '2026-11-01']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^imported openai: 11 rows, 40 days replaced \(import \d{15}-[0-9a-f]{8}\)\nimported anthropic: 12 rows, 40 days replaced/);
    const pages = fake.requests.map((r) => [r.path, r.query.get('page') === null ? 'first' : 'cursor', r.query.get('limit')]);
    expect(pages).toEqual([
      ['/openai/v1/organization/usage/completions', 'first', '31'],
      ['/openai/v1/organization/usage/completions', 'cursor', '31'],
      ['/openai/v1/organization/usage/embeddings', 'first', '31'],
      ['/openai/v1/organization/usage/embeddings', 'cursor', '31'],
      ['/openai/v1/organization/costs', 'first', '180'],
      ['/anthropic/v1/organizations/usage_report/messages', 'first', '31'],
      ['/anthropic/v1/organizations/usage_report/messages', 'cursor', '31'],
      ['/anthropic/v1/organizations/cost_report', 'first', '31'],
      ['/anthropic/v1/organizations/cost_report', 'cursor', '31'],
    ]);
    expect(fake.requests[0]!.query.getAll('group_by')).toEqual(['model', 'project_id', 'api_key_id']);
    expect(fake.requests[5]!.query.get('starting_at')).toBe('2026-09-22T00:00:00Z');
  });

  it('reports each day and model with the contract statuses, tokens per bucket and exact money', async () => {
    const rows = (await report()).rows;
    expect(pick(rows, 'day', 'provider', 'model', 'provider_cost_usd', 'tracked_cost_usd', 'drift_usd', 'drift_pct', 'status')).toEqual([
      ['2026-10-01', 'anthropic', 'claude-sonnet-4', '0.003855000', '0.003855000', '0.000000000', '0.00', 'match'],
      ['2026-10-01', 'openai', 'gpt-4o', '0.007500000', '0.007500000', '0.000000000', '0.00', 'match'],
      ['2026-10-01', 'openai', 'text-embedding-3-small', '0.000100000', '0.000000000', '0.000100000', '100.00', 'provider_only'],
      ['2026-10-02', 'anthropic', 'claude-sonnet-4', '0.003855000', '0.004000000', '-0.000145000', '-3.76', 'over_tracked'],
      ['2026-10-02', 'openai', 'gpt-4o', '0.020000000', '0.010000000', '0.010000000', '50.00', 'under_tracked'],
      ['2026-10-03', 'openai', 'gpt-4o-mini', '0.002100000', '0.000000000', '0.002100000', '100.00', 'provider_only'],
      ['2026-10-04', 'openai', 'gpt-4o', null, '0.003250000', null, null, 'no_provider_data'],
    ]);
    // Anthropic input = uncached 100 + cache read 300 + cache writes 60 + 40, as our usage record counts it.
    expect(rows[0]).toEqual({
      day: '2026-10-01', provider: 'anthropic', model: 'claude-sonnet-4',
      provider_cost_usd: '0.003855000', tracked_cost_usd: '0.003855000', drift_usd: '0.000000000', drift_pct: '0.00',
      provider_input_tokens: 500, tracked_input_tokens: 500, provider_cached_input_tokens: 300, tracked_cached_input_tokens: 300,
      provider_cache_write_tokens: 100, tracked_cache_write_tokens: 100, provider_output_tokens: 200, tracked_output_tokens: 200,
      provider_requests: null, tracked_calls: 1, status: 'match',
    });
    // A lost span shows in the tokens too; a price error (anthropic, 10-02) does not.
    expect(pick([rows[4]!, rows[3]!], 'provider_input_tokens', 'tracked_input_tokens', 'provider_output_tokens', 'tracked_output_tokens', 'provider_requests', 'tracked_calls')).toEqual([
      [2000, 1000, 1000, 500, 4, 1],
      [500, 500, 200, 200, null, 1],
    ]);
    expect(pick([rows[6]!], 'provider_input_tokens', 'tracked_input_tokens', 'provider_requests', 'tracked_calls')).toEqual([[null, 500, null, 1]]);
  });

  it('maps API keys (first) and projects/workspaces to clients; unmapped provider usage is the "" client', async () => {
    expect(pick((await report(['client'])).rows, 'client', 'provider_cost_usd', 'tracked_cost_usd', 'drift_pct', 'status')).toEqual([
      ['', '0.002100000', '0.000000000', '100.00', 'provider_only'],
      ['acme', '0.015310000', '0.018605000', '-21.52', 'over_tracked'],
      ['globex', '0.020000000', '0.010000000', '50.00', 'under_tracked'],
    ]);
  });

  it('a re-import of unchanged data changes nothing', async () => {
    const before = await report(['day', 'provider', 'model', 'client']);
    const rowsBefore = await count('provider_usage_current');
    expect((await cli(['reconcile', 'import', '--from', '2026-09-22', '--to', '2026-11-01'])).code).toBe(0);
    expect(await report(['day', 'provider', 'model', 'client'])).toEqual(before);
    expect(await count('provider_usage_current')).toBe(rowsBefore);
  });

  it('replaces the days it covers when the provider revised them, and only those', async () => {
    fake.data.openai.costs.push({ day: '2026-10-02', line_item: 'gpt-4o-2024-08-06, output', project_id: 'proj_acme', api_key_id: 'key_globex', value: '0.001' });
    fake.data.openai.completions = fake.data.openai.completions.filter((c) => c.day !== '2026-10-03');
    fake.data.openai.costs = fake.data.openai.costs.filter((c) => c.day !== '2026-10-03');
    expect((await cli(['reconcile', 'import', '--provider', 'openai', '--from', '2026-10-02', '--to', '2026-10-04'])).code).toBe(0);
    const rows = (await report(['day', 'provider'])).rows;
    expect(pick(rows, 'day', 'provider', 'provider_cost_usd', 'status')).toEqual([
      ['2026-10-01', 'anthropic', '0.003855000', 'match'],
      ['2026-10-01', 'openai', '0.007600000', 'match'], // 100,000 of 7,600,000 untracked: 1.32%, within 2%
      ['2026-10-02', 'anthropic', '0.003855000', 'over_tracked'],
      ['2026-10-02', 'openai', '0.021000000', 'under_tracked'],
      ['2026-10-04', 'openai', null, 'no_provider_data'],
    ]);
  });

  it('retries 429 (honouring Retry-After) and 5xx, then imports', async () => {
    fake.failures.set('/openai/v1/organization/usage/completions', [{ status: 429, retryAfter: '1' }, { status: 503 }]);
    const started = Date.now();
    const config = parseFileConfig(yaml(), 'test.yaml').reconcile!;
    const summary = await importFromApis(
      { store, pricer: world.pricer, now: new Date() },
      { config, adminKeys: { OPENAI_ADMIN_KEY }, provider: 'openai', range: { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-02T00:00:00Z') }, policy: { attempts: 4, baseMs: 10, maxDelayMs: 5_000, timeoutMs: 5_000, requestsPerSecond: 100 } },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // the Retry-After second, though the backoff was 10 ms
    expect(summary.providers).toEqual({ openai: { rows: 5, days: 1 } });
    expect(fake.requests.slice(0, 3).map((r) => r.path)).toEqual(Array(3).fill('/openai/v1/organization/usage/completions'));
  });

  it('a failed import (5xx past every retry, mid-way) changes nothing', async () => {
    const before = await report(['day', 'provider', 'model', 'client']);
    const imports = await count('provider_imports');
    fake.failures.set('/anthropic/v1/organizations/cost_report', Array(4).fill({ status: 500 }));
    const config = parseFileConfig(yaml(), 'test.yaml').reconcile!;
    await expect(
      importFromApis(
        { store, pricer: world.pricer, now: new Date() },
        { config, adminKeys: { OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY }, range: { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-05T00:00:00Z') }, policy: { attempts: 4, baseMs: 1, maxDelayMs: 10, timeoutMs: 5_000, requestsPerSecond: 100 } },
      ),
    ).rejects.toThrow('anthropic: /anthropic/v1/organizations/cost_report failed: HTTP 500');
    expect(await count('provider_imports')).toBe(imports);
    expect(await report(['day', 'provider', 'model', 'client'])).toEqual(before);
  });
});

describe('tokenledger reconcile report', () => {
  it('prints the table and the JSON of the API', async () => {
    const json = await cli(['reconcile', 'report', '--from', '2026-10-01', '--to', '2026-10-05', '--group-by', 'provider', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(await report(['provider']));
    const table = await cli(['reconcile', 'report', '--from', '2026-10-01', '--to', '2026-10-05', '--group-by', 'provider']);
    expect(table.stdout.split('\n').slice(1, 5)).toEqual([
      expect.stringMatching(/^provider\s+provider_usd\s+tracked_usd\s+drift_usd\s+drift_pct/),
      expect.stringMatching(/^-+/),
      expect.stringMatching(/^anthropic\s+0\.007710000\s+0\.007855000\s+-0\.000145000\s+-1\.88 .* match$/),
      expect.stringMatching(/^openai\s+0\.028600000\s+0\.020750000\s+0\.007850000\s+27\.45 .* under_tracked$/),
    ]);
  });

  it('a bad --group-by is one line and exit 2', async () => {
    const out = await cli(['reconcile', 'report', '--group-by', 'feature']);
    expect(out.code).toBe(2);
    expect(out.stderr.split('\n')).toHaveLength(2);
    expect(out.stderr).toMatch(/^tokenledger reconcile: --group-by/);
  });
});

describe('tokenledger reconcile import --file (providers without an API)', () => {
  const csv = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'tl-reconcile-csv-')), 'bedrock.csv');
    writeFileSync(file, text);
    return file;
  };

  it('imports the documented columns for the days of the file; a re-import replaces them', async () => {
    const file = csv(`day,model,input_tokens,cached_input_tokens,output_tokens,requests,cost_usd,client_id
2026-10-01,anthropic.claude-3-5-sonnet-20241022-v2:0,1000,0,100,3,0.0045,acme
2026-10-02,anthropic.claude-3-5-sonnet-20241022-v2:0,2000,0,200,6,0.009,
`);
    const out = await cli(['reconcile', 'import', '--file', file, '--provider', 'aws.bedrock']);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/^imported aws\.bedrock: 2 rows, 2 days replaced/);
    const rows = await reconciliationReport(store, world.pricer, { ...october, provider: 'aws.bedrock', group_by: ['day', 'model', 'client'] }, 2);
    expect(pick(rows.rows, 'day', 'model', 'client', 'provider_cost_usd', 'provider_input_tokens', 'provider_requests', 'status')).toEqual([
      ['2026-10-01', 'anthropic.claude-3-5-sonnet', 'acme', '0.004500000', 1000, 3, 'provider_only'],
      ['2026-10-02', 'anthropic.claude-3-5-sonnet', '', '0.009000000', 2000, 6, 'provider_only'],
    ]);
    const again = csv('day,model,cost_usd\n2026-10-02,anthropic.claude-3-5-sonnet-20241022-v2:0,0.001\n');
    expect((await cli(['reconcile', 'import', '--file', again, '--provider', 'aws.bedrock'])).code).toBe(0);
    const after = await reconciliationReport(store, world.pricer, { ...october, provider: 'aws.bedrock', group_by: ['day'] }, 2);
    expect(pick(after.rows, 'day', 'provider_cost_usd', 'provider_requests')).toEqual([
      ['2026-10-01', '0.004500000', 3],
      ['2026-10-02', '0.001000000', null],
    ]);
  });

  it('a bad file is one line naming line and column, and imports nothing', async () => {
    const imports = await count('provider_imports');
    const out = await cli(['reconcile', 'import', '--file', csv('day,model,cost_usd\n2026-10-01,m,1.5\n2026-10-40,m,2\n'), '--provider', 'aws.bedrock']);
    expect(out).toEqual({ code: 1, stdout: '', stderr: 'tokenledger reconcile: line 3, column day: not a date YYYY-MM-DD: "2026-10-40"\n' });
    expect((await cli(['reconcile', 'import', '--file', csv('day,model,price\n'), '--provider', 'x'])).stderr).toBe(
      'tokenledger reconcile: unknown column price (columns: day, model, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, requests, cost_usd, project_id, api_key_id, client_id, line_item)\n',
    );
    expect(await count('provider_imports')).toBe(imports);
  });
});
