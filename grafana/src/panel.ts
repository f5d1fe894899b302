/**
 * Builders for the Grafana JSON our dashboards are made of. The JSON in grafana/dashboards/ is
 * generated from these sources (`pnpm exec tsx grafana/src/build-dashboards.ts`) and committed, because
 * Grafana's file provider reads JSON; test/dashboards-json.test.ts fails when the two drift apart.
 */

export const DATASOURCE = { type: 'grafana-clickhouse-datasource', uid: 'tokenledger-clickhouse' } as const;
/** The plugin version whose macro expansion the tests reproduce (test/support/grafana-macros.ts). */
export const PLUGIN_VERSION = '4.13.0';

/** sqlutil.FormatQueryOption: 0 turns long rows into one series per label, 1 keeps a table. */
export const FORMAT = { timeSeries: 0, table: 1 } as const;

export type Json = Record<string, unknown>;

/** Field styles of the time-series panels: bars per day, lines per interval. */
export const BARS: Json = { drawStyle: 'bars', fillOpacity: 80, lineWidth: 1 };
export const LINES: Json = { drawStyle: 'line', fillOpacity: 10, lineWidth: 1 };

export interface PanelSpec {
  title: string;
  description: string;
  type: 'stat' | 'table' | 'timeseries' | 'bargauge' | 'barchart' | 'gauge' | 'piechart';
  sql: string;
  format?: keyof typeof FORMAT;
  /** [x, y, w, h] on Grafana's 24-column grid. */
  grid: [number, number, number, number];
  unit?: string;
  decimals?: number;
  options?: Json;
  custom?: Json;
  overrides?: Json[];
  transformations?: Json[];
}

export function panel(id: number, spec: PanelSpec): Json {
  const format = spec.format ?? 'table';
  const [x, y, w, h] = spec.grid;
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    gridPos: { x, y, w, h },
    datasource: DATASOURCE,
    targets: [
      {
        refId: 'A',
        datasource: DATASOURCE,
        pluginVersion: PLUGIN_VERSION,
        editorType: 'sql',
        queryType: format === 'timeSeries' ? 'timeSeries' : 'table',
        format: FORMAT[format],
        rawSql: spec.sql.trim(),
      },
    ],
    fieldConfig: {
      defaults: {
        ...(spec.unit ? { unit: spec.unit } : {}),
        ...(spec.decimals !== undefined ? { decimals: spec.decimals } : {}),
        ...(spec.custom ? { custom: spec.custom } : {}),
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] },
        color: { mode: spec.type === 'stat' || spec.type === 'table' ? 'thresholds' : 'palette-classic' },
      },
      overrides: spec.overrides ?? [],
    },
    options: spec.options ?? {},
    ...(spec.transformations ? { transformations: spec.transformations } : {}),
  };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  time: { from: string; to: string };
  variables?: Json[];
  panels: PanelSpec[];
}

export function dashboard(spec: DashboardSpec): Json {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['tokenledger'],
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    refresh: '1m',
    schemaVersion: 41,
    version: 1,
    time: spec.time,
    templating: { list: spec.variables ?? [] },
    annotations: { list: [] },
    links: [{ title: 'TokenLedger', type: 'dashboards', tags: ['tokenledger'], asDropdown: true, includeVars: false, keepTime: true }],
    panels: spec.panels.map((p, i) => panel(i + 1, p)),
  };
}

/** A query variable on our datasource (values from SQL, refreshed when the time range changes). */
export function queryVariable(name: string, label: string, sql: string, opts: { multi?: boolean; includeAll?: boolean } = {}): Json {
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    query: sql.trim(),
    definition: sql.trim(),
    refresh: 2,
    sort: 1,
    multi: opts.multi ?? false,
    includeAll: opts.includeAll ?? false,
    current: {},
    options: [],
  };
}
