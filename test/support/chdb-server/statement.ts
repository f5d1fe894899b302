/**
 * What the chdb stand-in needs to know about one statement before it runs it: its kind (does it
 * produce rows, is it an INSERT whose rows follow), its output format, and how to carry
 * settings that a ClickHouse server would have taken from the URL.
 */

export type Settings = ReadonlyMap<string, string>;

const FORMAT_TAIL = /\s+FORMAT\s+(\w+)\s*;?\s*$/i;
const SETTINGS_TAIL = /\bSETTINGS\s+\w+\s*=\s*[^()]*$/i;
const INSERT_FORMAT =
  /^\s*INSERT\s+INTO\s+(?:TABLE\s+)?([\w.`"]+)\s*(?:\(([^)]*)\))?\s*(?:SETTINGS\s+[^()]*?)?\s*FORMAT\s+(\w+)\s*$/is;

/** Statements that answer with rows, where a trailing SETTINGS clause applies to the whole query. */
const READS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXISTS', 'EXPLAIN']);

export function firstKeyword(sql: string): string {
  const stripped = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/|\()*/, '');
  return (/^\w+/.exec(stripped)?.[0] ?? '').toUpperCase();
}

/** Splits a trailing `FORMAT X` off, as the HTTP interface reads it. */
export function splitFormat(sql: string): { body: string; format: string | null } {
  const match = FORMAT_TAIL.exec(sql);
  return match ? { body: sql.slice(0, match.index), format: match[1]! } : { body: sql.replace(/\s*;?\s*$/, ''), format: null };
}

export interface InsertTarget {
  table: string;
  columns: string[] | undefined;
  format: string;
}

/** `INSERT INTO t (a, b) FORMAT F` whose rows come in the request body. */
export function insertTarget(sql: string): InsertTarget | null {
  const match = INSERT_FORMAT.exec(sql);
  if (!match) return null;
  const columns = match[2]?.split(',').map((c) => c.trim().replace(/^[`"]|[`"]$/g, ''));
  return { table: match[1]!, columns, format: match[3]! };
}

function settingLiteral(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function settingsList(settings: Settings): string {
  return [...settings].map(([name, value]) => `${name} = ${settingLiteral(value)}`).join(', ');
}

/**
 * A read with its URL settings as a SETTINGS clause (merged into one the query already ends
 * with), so they apply to that query alone, as they do on a server.
 */
export function withSettings(sql: string, settings: Settings): string {
  if (settings.size === 0) return sql;
  const { body, format } = splitFormat(sql);
  const joined = SETTINGS_TAIL.test(body) ? `${body}, ${settingsList(settings)}` : `${body}\nSETTINGS ${settingsList(settings)}`;
  return format ? `${joined}\nFORMAT ${format}` : joined;
}

export function isRead(sql: string): boolean {
  return READS.has(firstKeyword(sql));
}
