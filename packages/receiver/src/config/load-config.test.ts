import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadConfig, parseFileConfig } from './load-config.js';

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-config-'));
  const path = join(dir, 'tokenledger.yaml');
  writeFileSync(path, text);
  return path;
}

describe('configuration', () => {
  it('reads the design.md example with defaults filled in', () => {
    const cfg = parseFileConfig(
      `clients:
  - id: acme
    name: Acme Corp
    markup_pct: 25
    monthly_budget_usd: 500
    alert_thresholds_pct: [50, 80, 100]
    hard_cap: true
    webhook_url: https://hooks.example.com/acme
  - id: globex
pricing:
  overrides: []
`,
      'tokenledger.yaml',
    );
    expect(cfg.clients[0]).toEqual({
      id: 'acme',
      name: 'Acme Corp',
      markup_pct: 25,
      monthly_budget_usd: 500,
      alert_thresholds_pct: [50, 80, 100],
      hard_cap: true,
      webhook_url: 'https://hooks.example.com/acme',
    });
    expect(cfg.clients[1]).toEqual({ id: 'globex', markup_pct: 0, alert_thresholds_pct: [50, 80, 100], hard_cap: false });
    expect(cfg.retention_days).toBe(400);
    expect(cfg.limits).toEqual({ max_tokens_per_call: 100_000_000, max_cost_usd_per_call: 1_000, max_span_age_days: 400, max_clock_skew_minutes: 60, max_unit_length: 256 });
    expect(parseFileConfig('retention_days: 30\n', 'x').limits.max_span_age_days).toBe(30);
    expect(parseFileConfig('settle:\n  enabled: false\n  interval_seconds: 40\n', 'x').settle.interval_seconds).toBe(40);
    expect(parseFileConfig('retention_days: 10000\n', 'x').limits.max_span_age_days).toBe(2_900);
  });

  it.each([
    ['clients:\n  - id: acme\n    markup_pct: -5\n', /clients\[0\]\.markup_pct/],
    ['clients:\n  - id: acme\n    colour: red\n', /unknown key clients\[0\]\.colour/],
    ['retention_days: "forever"\n', /retention_days/],
    ['clients:\n  - id: a\n  - id: a\n', /clients\[1\]\.id: duplicate client id "a"/],
    ['clients:\n  - id: "has space"\n', /clients\[0\]\.id/],
    ['clients: [\n', /not valid YAML/],
    ['clients:\n  - id: acme\n    markup_pct: 12.3456789\n', /clients\[0\]\.markup_pct: at most 6 decimal places/],
    ['clients:\n  - id: acme\n    monthly_budget_usd: 0.0000000001\n', /clients\[0\]\.monthly_budget_usd: at most 9 decimal places/],
    ['clients:\n  - id: acme\n    monthly_budget_usd: 1e12\n', /clients\[0\]\.monthly_budget_usd: Too big/],
    ['alerts:\n  spike_min_usd: 0.0000000001\n', /alerts\.spike_min_usd: at most 9 decimal places/],
    ['settle:\n  interval_seconds: 40\n', /settle\.interval_seconds: must be at most half of settle\.lease_seconds \(60\)/],
    ['settle:\n  window_minutes: 4320\n', /settle\.link_retention_days: must cover settle\.window_minutes \(4320 minutes\)/],
    ['retention_days: 90\nlimits:\n  max_span_age_days: 100\n', /limits\.max_span_age_days: must not exceed retention_days \(90\)/],
    ['limits:\n  max_tokens_per_call: 0\n', /limits\.max_tokens_per_call/],
    ['limits:\n  max_span_age_days: 5000\n', /limits\.max_span_age_days/],
  ])('names the bad key: %s', (text, message) => {
    expect(() => parseFileConfig(text, 'tokenledger.yaml')).toThrow(message);
  });

  it('builds the one config value from env and file, flags winning', async () => {
    const cfg = await loadConfig({
      env: { CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_DATABASE: 'billing', PORT: '5000', TOKENLEDGER_API_TOKENS: 'admin-secret,acme=acme-secret', TOKENLEDGER_CONFIG: file('retention_days: 30\n') },
      port: 6000,
    });
    expect(cfg.clickhouse).toEqual({ url: 'http://ch:8123', username: 'default', password: '', database: 'billing', cluster: null });
    const cluster = await loadConfig({ env: { CLICKHOUSE_CLUSTER: 'tokenledger', CLICKHOUSE_CLUSTER_REPLICAS: 'tokenledger_replicas' } });
    expect(cluster.clickhouse).toMatchObject({ cluster: 'tokenledger', replicasCluster: 'tokenledger_replicas' });
    await expect(loadConfig({ env: { CLICKHOUSE_CLUSTER_REPLICAS: "x'; DROP" } })).rejects.toThrow(/CLICKHOUSE_CLUSTER_REPLICAS/);
    expect(cfg.server).toEqual({
      port: 6000,
      host: '0.0.0.0',
      ingestTokens: [],
      apiTokens: [
        { token: 'admin-secret', clientId: null },
        { token: 'acme-secret', clientId: 'acme' },
      ],
    });
    expect(cfg.file.retention_days).toBe(30);
  });

  it('listens on loopback only when no tokens are set', async () => {
    const cfg = await loadConfig({ env: { TOKENLEDGER_LISTEN_HOST: '0.0.0.0' } });
    expect(cfg.server.host).toBe('127.0.0.1');
    expect(cfg.server.port).toBe(4318);
  });

  it('rejects bad environment values by name, and a missing explicit file', async () => {
    await expect(loadConfig({ env: { CLICKHOUSE_DATABASE: 'x; DROP' } })).rejects.toThrow(/environment: CLICKHOUSE_DATABASE/);
    await expect(loadConfig({ env: { PORT: 'eighty' } })).rejects.toThrow(/environment: PORT/);
    await expect(loadConfig({ env: {}, configPath: '/nonexistent/tokenledger.yaml' })).rejects.toBeInstanceOf(ConfigError);
    await expect(loadConfig({ env: { TOKENLEDGER_API_TOKENS: 'acme=' } })).rejects.toThrow(/client-id=token/);
  });

  it('never puts a token into an error message', async () => {
    const err = await loadConfig({ env: { TOKENLEDGER_API_TOKENS: '=s3cr3t-token' } }).catch((e: Error) => e);
    expect(String((err as Error).message)).not.toContain('s3cr3t');
  });
});

describe('invoice currency', () => {
  it('takes an ISO code and a fixed rate of up to 6 decimals', () => {
    const cfg = parseFileConfig('clients:\n  - id: acme\n    invoice_currency: { code: EUR, usd_rate: 0.923456 }\n', 'tokenledger.yaml');
    expect(cfg.clients[0]!.invoice_currency).toEqual({ code: 'EUR', usd_rate: 0.923456 });
    expect(() => parseFileConfig('clients:\n  - id: acme\n    invoice_currency: { code: EUR, usd_rate: 0.1234567 }\n', 'x')).toThrow(/clients\[0\]\.invoice_currency\.usd_rate: a rate with at most 6 decimals/);
    expect(() => parseFileConfig('clients:\n  - id: acme\n    invoice_currency: { code: euro, usd_rate: 1 }\n', 'x')).toThrow(/invoice_currency\.code/);
  });
});

describe('scoped budgets', () => {
  const budgets = (lines: string) => parseFileConfig(`clients:\n  - id: acme\n    monthly_budget_usd: 5\nbudgets:\n${lines}`, 'tokenledger.yaml');

  it('reads account and object scopes with the budget fields of a client, keys in a fixed order', () => {
    const cfg = budgets(`  - { scope: account, monthly_budget_usd: 5000.000000001, alert_thresholds_pct: [80, 100], webhook_url: https://hooks.example.com/ops }
  - { scope: { project: chatbot, client: acme }, monthly_budget_usd: 100, hard_cap: true, period_start_day: 15 }
`);
    expect(cfg.budgets).toEqual([
      { scope: 'account', monthly_budget_usd: 5000.000000001, alert_thresholds_pct: [80, 100], hard_cap: false, webhook_url: 'https://hooks.example.com/ops' },
      { scope: { client: 'acme', project: 'chatbot' }, monthly_budget_usd: 100, alert_thresholds_pct: [50, 80, 100], hard_cap: true, period_start_day: 15 },
    ]);
    expect(Object.keys(cfg.budgets[1]!.scope)).toEqual(['client', 'project']);
  });

  it.each([
    ['  - { scope: { team: ops }, monthly_budget_usd: 1 }\n', /budgets\[0\]\.scope: unknown scope key "team" \(a scope names any of client, project, feature, app\)/],
    ['  - { scope: {}, monthly_budget_usd: 1 }\n', /budgets\[0\]\.scope: an empty scope: name at least one of client, project, feature, app, or write "account"/],
    ['  - { scope: everything, monthly_budget_usd: 1 }\n', /budgets\[0\]\.scope: expected "account" or an object of client, project, feature, app/],
    ['  - { scope: { feature: a }, monthly_budget_usd: 1 }\n  - { scope: { feature: a }, monthly_budget_usd: 2 }\n', /budgets\[1\]\.scope: duplicate scope \{"feature":"a"\}: one budget per scope/],
    ['  - { scope: { client: acme }, monthly_budget_usd: 1 }\n', /budgets\[0\]\.scope: client "acme" already has a budget/],
    ['  - { scope: { client: "a b" }, monthly_budget_usd: 1 }\n', /budgets\[0\]\.scope\.client: letters, digits/],
    ['  - { scope: account }\n', /budgets\[0\]\.monthly_budget_usd/],
    ['  - { scope: account, monthly_budget_usd: 0.0000000001 }\n', /budgets\[0\]\.monthly_budget_usd: at most 9 decimal places/],
    ['  - { scope: account, monthly_budget_usd: 1, markup_pct: 3 }\n', /unknown key budgets\[0\]\.markup_pct/],
  ])('refuses a bad budget with the key named: %s', (lines, message) => {
    expect(() => budgets(lines)).toThrow(message);
  });
});
