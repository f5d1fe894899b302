import { z } from 'zod';
import type { AdminFetch } from './admin-fetch.js';
import { dayText } from '../rows/date-time-text.js';
import { fetchAllBuckets } from './paged-report.js';
import { emptyRow, nanosFromDecimal, type ImportRange, type ProviderRow } from './provider-row.js';

/**
 * Anthropic's Admin API usage report (messages) and cost report, daily buckets. Usage groups by
 * model, workspace and API key; cost cannot be grouped by API key (a provider limit), so cost
 * rows carry the workspace only, grouped by description to learn the model.
 */
const count = z.number().int().nonnegative().nullish().transform((n) => n ?? 0);
const id = z.string().nullish().transform((s) => s ?? '');

const usageResult = z.object({
  uncached_input_tokens: count,
  cache_read_input_tokens: count,
  cache_creation: z.object({ ephemeral_1h_input_tokens: count, ephemeral_5m_input_tokens: count }).nullish(),
  output_tokens: count,
  model: id,
  workspace_id: id,
  api_key_id: id,
});

const costResult = z.object({
  // The lowest unit of the currency: "123.45" is $1.2345.
  amount: z.string(),
  currency: z.string(),
  cost_type: id,
  description: id,
  model: id,
  token_type: id,
  workspace_id: id,
});

const bucket = <T extends z.ZodType>(result: T) => z.object({ starting_at: z.string(), ending_at: z.string(), results: z.array(result) });

export interface AnthropicSourceAccess {
  baseUrl: string;
  adminKey: string;
}

function request(access: AnthropicSourceAccess, path: string, range: ImportRange, groupBy: string[]) {
  const url = new URL(`${access.baseUrl.replace(/\/+$/, '')}${path}`);
  url.searchParams.set('starting_at', range.from.toISOString().replace('.000Z', 'Z'));
  url.searchParams.set('ending_at', range.to.toISOString().replace('.000Z', 'Z'));
  url.searchParams.set('bucket_width', '1d');
  for (const g of groupBy) url.searchParams.append('group_by[]', g);
  url.searchParams.set('limit', '31');
  return { provider: 'anthropic', url, headers: { 'x-api-key': access.adminKey, 'anthropic-version': '2023-06-01' } };
}

const bucketDay = (startingAt: string) => {
  const t = Date.parse(startingAt);
  if (Number.isNaN(t)) throw new TypeError(`bad starting_at ${startingAt}`);
  return dayText(new Date(t));
};

async function usageRows(fetchText: AdminFetch, access: AnthropicSourceAccess, range: ImportRange): Promise<ProviderRow[]> {
  const buckets = await fetchAllBuckets(fetchText, request(access, '/v1/organizations/usage_report/messages', range, ['model', 'workspace_id', 'api_key_id']), bucket(usageResult));
  return buckets.flatMap((b) =>
    b.results.map((r) => {
      const writes = (r.cache_creation?.ephemeral_1h_input_tokens ?? 0) + (r.cache_creation?.ephemeral_5m_input_tokens ?? 0);
      return {
        ...emptyRow(bucketDay(b.starting_at), 'usage'),
        provider_model: r.model,
        project_id: r.workspace_id,
        api_key_id: r.api_key_id,
        // Anthropic reports input buckets apart; ours (and OTel's) input is their sum.
        input_tokens: r.uncached_input_tokens + r.cache_read_input_tokens + writes,
        cached_input_tokens: r.cache_read_input_tokens,
        cache_write_tokens: writes,
        output_tokens: r.output_tokens,
      };
    }),
  );
}

async function costRows(fetchText: AdminFetch, access: AnthropicSourceAccess, range: ImportRange): Promise<ProviderRow[]> {
  const buckets = await fetchAllBuckets(fetchText, request(access, '/v1/organizations/cost_report', range, ['workspace_id', 'description']), bucket(costResult));
  return buckets.flatMap((b) =>
    b.results.map((r) => ({
      ...emptyRow(bucketDay(b.starting_at), 'cost'),
      provider_model: r.model || r.description,
      project_id: r.workspace_id,
      line_item: [r.description, r.token_type || r.cost_type].filter(Boolean).join(', '),
      cost_nanos: nanosFromDecimal(r.amount, 'cents'),
    })),
  );
}

export async function fetchAnthropic(fetchText: AdminFetch, access: AnthropicSourceAccess, range: ImportRange): Promise<ProviderRow[]> {
  const usage = await usageRows(fetchText, access, range);
  const costs = await costRows(fetchText, access, range);
  return [...usage, ...costs];
}
