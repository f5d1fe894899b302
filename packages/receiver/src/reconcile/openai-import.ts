import { z } from 'zod';
import { dayText } from '../rows/date-time-text.js';
import type { AdminFetch } from './admin-fetch.js';
import { fetchAllBuckets } from './paged-report.js';
import { emptyRow, nanosFromDecimal, parseKeepingAmounts, type ImportRange, type ProviderRow } from './provider-row.js';

/**
 * OpenAI's organization Usage API (completions, embeddings) and Costs API, daily buckets grouped
 * by model (costs: line_item), project and API key. Reference: the openai-openapi spec,
 * `/organization/usage/*` and `/organization/costs`.
 */
const count = z.number().int().nonnegative().nullish().transform((n) => n ?? 0);
const id = z.string().nullish().transform((s) => s ?? '');

const usageResult = z.object({
  input_tokens: count,
  output_tokens: count,
  input_cached_tokens: count,
  input_cache_write_tokens: count,
  num_model_requests: count,
  model: id,
  project_id: id,
  api_key_id: id,
});

const costResult = z.object({
  amount: z.object({ value: z.string(), currency: z.string() }),
  line_item: id,
  project_id: id,
  api_key_id: id,
});

const bucket = <T extends z.ZodType>(result: T) => z.object({ start_time: z.number().int(), end_time: z.number().int(), results: z.array(result) });

const unix = (d: Date) => String(Math.floor(d.getTime() / 1000));
const bucketDay = (startTime: number) => dayText(new Date(startTime * 1000));

/** "gpt-4o-2024-08-06, input" -> "gpt-4o-2024-08-06"; a line item without a token type is its own name. */
export function lineItemModel(lineItem: string): string {
  const comma = lineItem.lastIndexOf(', ');
  return comma > 0 ? lineItem.slice(0, comma) : lineItem;
}

export interface OpenAISourceAccess {
  baseUrl: string;
  adminKey: string;
}

function request(access: OpenAISourceAccess, path: string, range: ImportRange, groupBy: string[], limit: number) {
  const url = new URL(`${access.baseUrl.replace(/\/+$/, '')}${path}`);
  url.searchParams.set('start_time', unix(range.from));
  url.searchParams.set('end_time', unix(range.to));
  url.searchParams.set('bucket_width', '1d');
  for (const g of groupBy) url.searchParams.append('group_by', g);
  url.searchParams.set('limit', String(limit));
  return { provider: 'openai', url, headers: { authorization: `Bearer ${access.adminKey}` } };
}

async function usageRows(fetchText: AdminFetch, access: OpenAISourceAccess, path: string, range: ImportRange): Promise<ProviderRow[]> {
  const buckets = await fetchAllBuckets(fetchText, request(access, path, range, ['model', 'project_id', 'api_key_id'], 31), bucket(usageResult));
  return buckets.flatMap((b) =>
    b.results.map((r) => ({
      ...emptyRow(bucketDay(b.start_time), 'usage'),
      provider_model: r.model,
      project_id: r.project_id,
      api_key_id: r.api_key_id,
      // input_tokens already includes cached tokens and cache writes, as our input bucket does.
      input_tokens: r.input_tokens,
      cached_input_tokens: r.input_cached_tokens,
      cache_write_tokens: r.input_cache_write_tokens,
      output_tokens: r.output_tokens,
      requests: r.num_model_requests,
    })),
  );
}

async function costRows(fetchText: AdminFetch, access: OpenAISourceAccess, range: ImportRange): Promise<ProviderRow[]> {
  const buckets = await fetchAllBuckets(
    fetchText,
    request(access, '/organization/costs', range, ['line_item', 'project_id', 'api_key_id'], 180),
    bucket(costResult),
    parseKeepingAmounts,
  );
  return buckets.flatMap((b) =>
    b.results.map((r) => ({
      ...emptyRow(bucketDay(b.start_time), 'cost'),
      provider_model: lineItemModel(r.line_item),
      project_id: r.project_id,
      api_key_id: r.api_key_id,
      line_item: r.line_item,
      cost_nanos: nanosFromDecimal(r.amount.value, 'usd'),
    })),
  );
}

/** Every page of the three reports for the range; throws (nothing returned) if any request fails. */
export async function fetchOpenAI(fetchText: AdminFetch, access: OpenAISourceAccess, range: ImportRange): Promise<ProviderRow[]> {
  const completions = await usageRows(fetchText, access, '/organization/usage/completions', range);
  const embeddings = await usageRows(fetchText, access, '/organization/usage/embeddings', range);
  const costs = await costRows(fetchText, access, range);
  return [...completions, ...embeddings, ...costs];
}
