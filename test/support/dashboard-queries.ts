import { readdirSync, readFileSync } from 'node:fs';
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { expandMacros, type QueryTime } from './grafana-macros.js';
import { fillVariables, type VariableValues } from './grafana-variables.js';

/**
 * The dashboards as Grafana loads them (grafana/dashboards/*.json), and their panels' SQL as
 * ClickHouse receives it: variables filled as Grafana's frontend does, then macros expanded as the
 * plugin's backend does.
 */

export interface GrafanaTarget {
  refId: string;
  datasource: { type: string; uid: string };
  rawSql: string;
  format: number;
  editorType: string;
  queryType: string;
}
export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: GrafanaTarget[];
  transformations?: { id: string; options: unknown }[];
}
export interface GrafanaDashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  time: { from: string; to: string };
  templating: { list: { name: string; type: string; query: string; datasource: { uid: string } }[] };
  panels: GrafanaPanel[];
}

const dir = new URL('../../grafana/dashboards/', import.meta.url);

export function dashboardFiles(): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
}

export function loadDashboard(name: string): GrafanaDashboard {
  return JSON.parse(readFileSync(new URL(name.endsWith('.json') ? name : `${name}.json`, dir), 'utf8')) as GrafanaDashboard;
}

export function panelByTitle(d: GrafanaDashboard, title: string): GrafanaPanel {
  const found = d.panels.find((p) => p.title === title);
  if (!found) throw new Error(`${d.uid} has no panel "${title}"`);
  return found;
}

export function renderSql(rawSql: string, time: QueryTime, variables: VariableValues = {}): string {
  return expandMacros(fillVariables(rawSql, variables), time);
}

export interface PanelRunner {
  /** Rows as exact text (TabSeparated): Int64 and Decimal keep every digit; NULL is null. */
  rows(sql: string): Promise<Record<string, string | null>[]>;
  close(): Promise<void>;
}

const unescape = (field: string): string | null =>
  field === '\\N' ? null : field.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' })[c] ?? c);

/**
 * Runs SQL with `database` as the session default, as the datasource's defaultDatabase does;
 * `settings` as comparableSettings() gives them, to read the same text from every engine.
 */
export function panelRunner(url: string, database: string, settings: ClickHouseSettings = {}): PanelRunner {
  const client: ClickHouseClient = createClient({ url, database, request_timeout: 120_000, clickhouse_settings: settings, log: { level: ClickHouseLogLevel.OFF } });
  return {
    async rows(sql) {
      const text = await (await client.query({ query: sql, format: 'TabSeparatedWithNames' })).text();
      const [header = '', ...lines] = text.split('\n').filter((l) => l !== '');
      const names = header.split('\t');
      return lines.map((line) => Object.fromEntries(line.split('\t').map((f, i) => [names[i]!, unescape(f)])));
    },
    close: () => client.close(),
  };
}
