/**
 * The one place untrusted values become SQL text. ClickHouse 18.16 has no bound `{name:Type}`
 * query parameters, so every value is rendered as a literal here, and nothing else in the
 * codebase concatenates input into SQL. Tested with hostile strings in sql.test.ts.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A piece of SQL that is already safe: an identifier, a keyword, or the output of `sql`. */
export class SqlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * A ClickHouse string literal. Backslash and quote are escaped, and so are control bytes, so a
 * value can never end the literal or hide a second statement (ClickHouse string literals use
 * C-style backslash escapes: https://clickhouse.com/docs/en/sql-reference/syntax#string).
 */
export function quoteString(value: string): string {
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A table, column or database name: only plain identifiers pass, never quoted user text. */
export function ident(name: string): SqlFragment {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a safe SQL identifier: ${JSON.stringify(name)}`);
  return new SqlFragment(name);
}

export type SqlValue = string | number | bigint | boolean | Date | SqlFragment | readonly SqlValue[];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A DateTime literal in UTC, to the second (DateTime has second precision). */
export function quoteDateTime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new TypeError('invalid date');
  const text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `toDateTime(${quoteString(text)}, 'UTC')`;
}

export function literal(value: SqlValue): string {
  if (value instanceof SqlFragment) return value.text;
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (value instanceof Date) return quoteDateTime(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  throw new TypeError(`cannot render ${typeof value} as SQL`);
}

/** Tagged template: interpolated values become literals; SqlFragments are inserted as they are. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += literal(value) + (strings[i + 1] ?? '');
  });
  return new SqlFragment(text);
}

/** Joins fragments with a separator (for optional WHERE clauses and column lists). */
export function joinSql(parts: readonly SqlFragment[], separator: string): SqlFragment {
  return new SqlFragment(parts.map((p) => p.text).join(separator));
}
