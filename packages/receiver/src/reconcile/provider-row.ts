import { parseScaled } from '@tokenledger/pricing';
import { dayText } from '../rows/date-time-text.js';
import { ProviderApiError } from './reconcile-errors.js';

/**
 * One line of a provider's report as fetched, before model names and clients are resolved:
 * a usage row carries tokens (our buckets: input includes cache reads and writes), a cost row
 * carries money. Both are summed per key by the report.
 */
export interface ProviderRow {
  day: string; // YYYY-MM-DD, UTC
  kind: 'usage' | 'cost';
  provider_model: string;
  /** OpenAI project or Anthropic workspace; '' when the provider gave none. */
  project_id: string;
  api_key_id: string;
  line_item: string;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  /** null where the provider does not report requests (Anthropic). */
  requests: number | null;
  cost_nanos: bigint;
  /** Set by CSV rows that name their client; API rows are mapped through the config's maps. */
  client_id?: string;
}

export interface ImportRange {
  /** UTC midnight of the first day. */
  from: Date;
  /** UTC midnight after the last day (exclusive). */
  to: Date;
}

export const emptyRow = (day: string, kind: ProviderRow['kind']): ProviderRow => ({
  day, kind, provider_model: '', project_id: '', api_key_id: '', line_item: '',
  input_tokens: 0, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 0, requests: null, cost_nanos: 0n,
});

/** Every UTC day of the range, in order. */
export function rangeDays(range: ImportRange): string[] {
  const days: string[] = [];
  for (let t = range.from.getTime(); t < range.to.getTime(); t += 86_400_000) days.push(dayText(new Date(t)));
  return days;
}

/**
 * Admin API amounts in nano-USD, from their decimal text. Finer than a nano (Anthropic's cents
 * carry up to 7+ decimals) rounds half away from zero to the nano, the house rule for money.
 */
export function nanosFromDecimal(text: string, unit: 'usd' | 'cents'): bigint {
  try {
    return parseScaled(text, unit === 'usd' ? 9 : 7, 'round');
  } catch {
    throw new ProviderApiError(`not a decimal amount: ${JSON.stringify(text).slice(0, 40)}`);
  }
}

/**
 * OpenAI's `amount.value` is a JSON number; JSON.parse would make it a float. The numbers are
 * quoted in the raw text first so they reach nanosFromDecimal as the provider wrote them. A key
 * inside a JSON string has escaped quotes (`\"value\"`) and so never matches.
 */
export function parseKeepingAmounts(text: string): unknown {
  return JSON.parse(text.replace(/"value"(\s*):(\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, '"value"$1:$2"$3"'));
}
