import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboardJson, dashboards } from '../grafana/src/dashboards.js';
import { dashboardFiles, loadDashboard } from './support/dashboard-queries.js';

// Grafana cannot run here: these tests hold the provisioned JSON to what Grafana and the ClickHouse
// plugin accept, and to the contract with deploy/ (datasource uid, paths, env).

const UID = 'tokenledger-clickhouse';
const TYPE = 'grafana-clickhouse-datasource';
const readYaml = <T>(path: string) => parse(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')) as T;

describe('grafana/dashboards/*.json', () => {
  const files = dashboardFiles();

  it('holds the dashboards under stable uids', () => {
    expect(files).toEqual(['agency-overview.json', 'client-detail.json', 'models.json', 'pipeline-health.json', 'reconciliation.json']);
    expect(files.map((f) => loadDashboard(f).uid)).toEqual([
      'tokenledger-agency-overview',
      'tokenledger-client-detail',
      'tokenledger-models',
      'tokenledger-pipeline-health',
      'tokenledger-reconciliation',
    ]);
  });

  it('is exactly what grafana/src builds (run `pnpm exec tsx grafana/src/build-dashboards.ts`)', () => {
    for (const [name, d] of Object.entries(dashboards)) {
      expect(readFileSync(new URL(`../grafana/dashboards/${name}.json`, import.meta.url), 'utf8'), name).toBe(dashboardJson(d));
    }
  });

  it.each(files)('%s is Grafana dashboard JSON: schemaVersion, titles, unique panel ids', (file) => {
    const d = loadDashboard(file);
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(d.title).toMatch(/^TokenLedger · /);
    expect(d.time.from).toBeTruthy();
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of d.panels) expect(p.title.length, `${file} panel ${p.id}`).toBeGreaterThan(0);
  });

  it.each(files)('%s lays panels on the 24-column grid without overlaps', (file) => {
    const cells = new Set<string>();
    for (const { gridPos: g, title } of loadDashboard(file).panels) {
      expect(Number.isInteger(g.x) && Number.isInteger(g.y) && g.w > 0 && g.h > 0 && g.x + g.w <= 24, title).toBe(true);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it.each(files)('%s queries only the provisioned ClickHouse datasource with raw SQL', (file) => {
    for (const p of loadDashboard(file).panels) {
      expect(p.datasource, p.title).toEqual({ type: TYPE, uid: UID });
      expect(p.targets, p.title).toHaveLength(1);
      const t = p.targets[0]!;
      expect(t.datasource).toEqual({ type: TYPE, uid: UID });
      expect(t.editorType).toBe('sql');
      expect([0, 1]).toContain(t.format);
      expect(t.queryType).toBe(t.format === 0 ? 'timeSeries' : 'table');
      expect(t.rawSql.length).toBeGreaterThan(20);
    }
  });

  it.each(files)('%s names tables without a database and uses only macros that run on ClickHouse 18.16', (file) => {
    const d = loadDashboard(file);
    const sqls = [...d.panels.map((p) => p.targets[0]!.rawSql), ...d.templating.list.map((v) => v.query)];
    for (const sql of sqls) {
      expect(sql).not.toMatch(/\b(FROM|JOIN)\s+\w+\.\w+/i);
      expect(sql).not.toMatch(/tokenledger\./);
      expect(sql).not.toMatch(/\$__timeInterval|toStartOfInterval|DateTime64|\bFINAL\b(?<!clients FINAL)/);
      const macros = [...sql.matchAll(/\$__(\w+)/g)].map((m) => m[1]);
      for (const m of macros) expect(['timeFilter', 'fromTime', 'toTime', 'interval_s']).toContain(m);
    }
  });

  it.each(files)('%s refers only to its own variables, always with a format', (file) => {
    const d = loadDashboard(file);
    const names = d.templating.list.map((v) => v.name);
    for (const p of d.panels) {
      for (const m of p.targets[0]!.rawSql.matchAll(/\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)/g)) {
        expect(names, p.title).toContain(m[1] ?? m[3]);
        expect(m[2], `${p.title}: \${${m[1] ?? m[3]}} needs a format`).toBe('singlequote');
      }
    }
    for (const v of d.templating.list) expect(v.datasource.uid).toBe(UID);
  });
});

describe('grafana/provisioning', () => {
  it('provisions the ClickHouse plugin datasource under the uid the dashboards use, from env', () => {
    const file = readYaml<{ datasources: { uid: string; type: string; jsonData: Record<string, unknown>; secureJsonData: Record<string, string> }[] }>(
      'grafana/provisioning/datasources/clickhouse.yaml',
    );
    const [ds] = file.datasources;
    expect(ds!.uid).toBe(UID);
    expect(ds!.type).toBe(TYPE);
    expect(ds!.jsonData).toMatchObject({
      host: '${CLICKHOUSE_HOST}',
      port: '${CLICKHOUSE_PORT}',
      protocol: 'http',
      username: '${CLICKHOUSE_USER}',
      defaultDatabase: '${CLICKHOUSE_DATABASE}',
    });
    expect(ds!.secureJsonData.password).toBe('${CLICKHOUSE_PASSWORD}');
  });

  it('loads the dashboards from where deploy/ mounts them', () => {
    const file = readYaml<{ providers: { type: string; options: { path: string } }[] }>('grafana/provisioning/dashboards/tokenledger.yaml');
    expect(file.providers).toHaveLength(1);
    expect(file.providers[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
  });
});
