import { stringify, type Options } from 'csv-stringify/sync';

/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV Injection"): a leading `=`, `+`, `-`,
 * `@`, tab or carriage return. Client ids, model names and tags come from spans anyone with an
 * ingest token can send, so `=HYPERLINK(...)` in a tag must open as text in Excel or Sheets.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number (a negative cost, a token count) is data and stays a number. */
const NUMBER = /^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** The cell as text a spreadsheet shows rather than evaluates: a `'` is put before a formula start. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) && !NUMBER.test(value) ? `'${value}` : value;
}

type Cell = string | number | bigint | null | undefined;

/** RFC 4180 CSV (csv-stringify) with every text cell neutralised; the one CSV writer of the receiver. */
export function safeCsv(rows: readonly (readonly Cell[])[], options: Options = {}): string {
  return stringify(
    rows.map((row) => row.map((cell) => (typeof cell === 'string' ? neutraliseCell(cell) : cell))),
    options,
  );
}
