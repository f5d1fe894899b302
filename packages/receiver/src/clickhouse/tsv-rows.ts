/**
 * Rows as ClickHouse TabSeparated text: about half the bytes of JSONEachRow and far cheaper for
 * ClickHouse to parse, which matters when the receiver and ClickHouse share the same cores.
 * Escaping follows the TabSeparated format (https://clickhouse.com/docs/en/interfaces/formats#tabseparated):
 * strings escape backslash, tab, line feed and carriage return; NULL is \N; arrays are written as
 * [..] of quoted strings, whose quotes and backslashes are escaped in turn.
 */

export type TsvValue = string | number | null | readonly string[];

const FIELD_SPECIALS = /[\\\t\n\r\0]/;
const FIELD_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

function escapeField(text: string): string {
  return FIELD_SPECIALS.test(text) ? text.replace(/[\\\t\n\r\0]/g, (c) => FIELD_ESCAPES[c]!) : text;
}

function quoteElement(text: string): string {
  return `'${text.replace(/[\\'\t\n\r\0]/g, (c) => (c === "'" ? "\\'" : FIELD_ESCAPES[c]!))}'`;
}

/** `undefined` is an optional String column left out of the row: written as ''. */
function field(value: TsvValue | undefined): string {
  if (value === undefined) return '';
  if (value === null) return '\\N';
  if (typeof value === 'string') return escapeField(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return String(value);
  }
  return `[${value.map(quoteElement).join(',')}]`;
}

/** One TabSeparated line per row, the fields in `columns` order. */
export function tsvRows<Row extends object>(columns: readonly (keyof Row & string)[], rows: readonly Row[]): string {
  let out = '';
  for (const row of rows) {
    const record = row as Record<string, TsvValue | undefined>;
    for (let i = 0; i < columns.length; i++) out += (i ? '\t' : '') + field(record[columns[i]!]);
    out += '\n';
  }
  return out;
}
