/**
 * The SQL macros of the official ClickHouse datasource (grafana-clickhouse-datasource v4), expanded
 * exactly as its backend expands them, so tests and benches run the SQL ClickHouse really receives.
 *
 * Read from the sources (corpus snapshot of November 2026):
 * - grafana/clickhouse-datasource pkg/macros/macros.go (plugin 4.13.0, on github.com/grafana/sqlds/v4):
 *   the macro bodies below, one for one.
 * - grafana/sqlds interpolator.go: DefaultInterpolator hands the query to sqlutil.Interpolate.
 * - grafana/grafana-plugin-sdk-go data/sqlutil/macros.go: Interpolate merges the SDK's DefaultMacros
 *   under the plugin's, applies the longest names first, finds `\$__name\b` and reads arguments only
 *   when `(` follows the name at once (parseArgs, nesting-aware, commas split at depth 1), then
 *   replaces every occurrence of the matched text (strings.ReplaceAll).
 */

export class MacroError extends Error {
  readonly code = 'macro_error';
}

export interface QueryTime {
  from: Date;
  to: Date;
  /** The panel's $__interval in ms (Grafana derives it from the range and the panel width). */
  intervalMs: number;
}

type Macro = (q: QueryTime, args: string[]) => string;

// Go's time.Unix() truncates to whole seconds; our ranges are never before 1970.
const unix = (d: Date) => Math.floor(d.getTime() / 1000);
const toDateTime = (d: Date) => `toDateTime(${unix(d)})`;
const toDateTime64 = (d: Date) => `fromUnixTimestamp64Milli(${d.getTime()})`;
// Go formats t in t's location; Grafana's backend hands plugins UTC times in our images.
const toDate = (d: Date) => `toDate('${d.toISOString().slice(0, 10)}')`;
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function arity(name: string, args: string[], n: number): void {
  if (args.length !== n) throw new MacroError(`$__${name}: unexpected number of arguments: expected ${n} argument${n === 1 ? '' : 's'}, received ${args.length}`);
}

const pluginMacros: Record<string, Macro> = {
  fromTime: (q) => toDateTime(q.from),
  toTime: (q) => toDateTime(q.to),
  fromTime_ms: (q) => toDateTime64(q.from),
  toTime_ms: (q) => toDateTime64(q.to),
  timeFilter: (q, a) => (arity('timeFilter', a, 1), `${a[0]} >= ${toDateTime(q.from)} AND ${a[0]} <= ${toDateTime(q.to)}`),
  timeFilter_ms: (q, a) => (arity('timeFilter_ms', a, 1), `${a[0]} >= ${toDateTime64(q.from)} AND ${a[0]} <= ${toDateTime64(q.to)}`),
  dateFilter: (q, a) => (arity('dateFilter', a, 1), `${a[0]} >= ${toDate(q.from)} AND ${a[0]} <= ${toDate(q.to)}`),
  dateTimeFilter: (q, a) => dateTimeFilter(q, a),
  dt: (q, a) => dateTimeFilter(q, a),
  // Not for our panels: toStartOfInterval is missing on ClickHouse 18.16.
  timeInterval: (q, a) => (arity('timeInterval', a, 1), `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${intervalSeconds(q)} second)`),
  timeInterval_ms: (q, a) => (arity('timeInterval_ms', a, 1), `toStartOfInterval(toDateTime64(${a[0]}, 3), INTERVAL ${Math.trunc(Math.max(q.intervalMs, 1))} millisecond)`),
  interval_s: (q) => String(intervalSeconds(q)),
};

// The SDK's defaults, used where the plugin defines no macro of that name.
const sdkDefaults: Record<string, Macro> = {
  timeFilter: (q, a) => (arity('timeFilter', a, 1), `${a[0]} >= '${rfc3339(q.from)}' AND ${a[0]} <= '${rfc3339(q.to)}'`),
  timeFrom: (q, a) => (arity('timeFrom', a, 1), `${a[0]} >= '${rfc3339(q.from)}'`),
  timeTo: (q, a) => (arity('timeTo', a, 1), `${a[0]} <= '${rfc3339(q.to)}'`),
  table: () => '',
  column: () => '',
};

function dateTimeFilter(q: QueryTime, a: string[]): string {
  arity('dateTimeFilter', a, 2);
  return `(${a[0]} >= ${toDate(q.from)} AND ${a[0]} <= ${toDate(q.to)}) AND (${a[1]} >= ${toDateTime(q.from)} AND ${a[1]} <= ${toDateTime(q.to)})`;
}

function intervalSeconds(q: QueryTime): number {
  return Math.trunc(Math.max(q.intervalMs / 1000, 1));
}

/** sqlutil parseArgs: the bracketed list right after the name, or none; -1 when never closed. */
function parseArgs(rest: string): { args: string[]; length: number } {
  if (!rest.startsWith('(')) return { args: [], length: 0 };
  const args: string[] = [];
  let depth = 0;
  let arg = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '(' && ++depth === 1) continue;
    if (c === ')' && --depth === 0) {
      args.push(arg.trim());
      return { args, length: i + 1 };
    }
    if (c === ',' && depth === 1) {
      args.push(arg.trim());
      arg = '';
      continue;
    }
    arg += c;
  }
  return { args: [], length: -1 };
}

/** Expands every `$__macro` of `sql` for the given time range, as the plugin's backend does. */
export function expandMacros(sql: string, time: QueryTime): string {
  const macros: Record<string, Macro> = { ...sdkDefaults, ...pluginMacros };
  const names = Object.keys(macros).sort((a, b) => b.length - a.length);
  let raw = sql;
  for (const name of names) {
    const pattern = new RegExp(`\\$__${name}\\b`, 'g');
    const matches: { full: string; args: string[] }[] = [];
    for (const m of raw.matchAll(pattern)) {
      const end = m.index + m[0].length;
      const { args, length } = parseArgs(raw.slice(end));
      if (length < 0) throw new MacroError('failed to parse macro arguments (missing close bracket?)');
      matches.push({ full: raw.slice(m.index, end + length), args });
    }
    for (const match of matches) raw = raw.replaceAll(match.full, macros[name]!(time, match.args));
  }
  return raw;
}
