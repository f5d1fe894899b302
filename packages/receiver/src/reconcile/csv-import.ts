import { parse } from 'csv-parse/sync';
import { parseScaled } from '@tokenledger/pricing';
import { emptyRow, nanosFromDecimal, type ProviderRow } from './provider-row.js';
import { ProviderCsvError } from './reconcile-errors.js';

/**
 * The CSV of `tokenledger reconcile import --file` (docs/reconciliation.md "CSV format"), for
 * providers without a usage API (Bedrock, Vertex billing exports): a header row, then one row per
 * day and model (and optionally project, API key, client). Money is USD decimal text.
 */
export const CSV_COLUMNS = ['day', 'model', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'requests', 'cost_usd', 'project_id', 'api_key_id', 'client_id', 'line_item'] as const;
const REQUIRED = ['day', 'model', 'cost_usd'] as const;
const COUNTS = ['input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens'] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function count(text: string | undefined, where: string): number {
  if (text === undefined || text.trim() === '') return 0;
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) throw new ProviderCsvError(`${where}: not a whole number of tokens: "${text.slice(0, 30)}"`);
  return Number(text);
}

function row(record: Record<string, string>, line: number): ProviderRow {
  const where = (column: string) => `line ${line}, column ${column}`;
  const day = record.day?.trim() ?? '';
  if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new ProviderCsvError(`${where('day')}: not a date YYYY-MM-DD: "${day.slice(0, 30)}"`);
  const cost = record.cost_usd?.trim() ?? '';
  try {
    parseScaled(cost, 9, 'round');
  } catch {
    throw new ProviderCsvError(`${where('cost_usd')}: not a USD decimal: "${cost.slice(0, 30)}"`);
  }
  const requests = record.requests?.trim() ? count(record.requests, where('requests')) : null;
  const tokens = Object.fromEntries(COUNTS.map((c) => [c, count(record[c], where(c))])) as Record<(typeof COUNTS)[number], number>;
  return {
    ...emptyRow(day, 'usage'),
    ...tokens,
    provider_model: record.model?.trim() ?? '',
    project_id: record.project_id?.trim() ?? '',
    api_key_id: record.api_key_id?.trim() ?? '',
    line_item: record.line_item?.trim() ?? '',
    requests,
    cost_nanos: nanosFromDecimal(cost, 'usd'),
    ...(record.client_id?.trim() ? { client_id: record.client_id.trim() } : {}),
  };
}

/** Every row of the file, or a ProviderCsvError naming the first bad line and column. */
export function parseProviderCsv(text: string): ProviderRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw new ProviderCsvError(`not valid CSV: ${(err as Error).message.split('\n')[0]}`);
  }
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.split(',').map((h) => h.trim());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) throw new ProviderCsvError(`unknown column ${unknown.join(', ')} (columns: ${CSV_COLUMNS.join(', ')})`);
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) throw new ProviderCsvError(`missing column ${missing.join(', ')}`);
  return records.map((r, i) => row(r, i + 2));
}
