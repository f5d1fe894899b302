import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatTrimmed, parseScaled } from '../../packages/pricing/src/index.js';

/**
 * Local stand-ins for the OpenAI and Anthropic Admin APIs that speak their wire formats: daily
 * buckets over [start, end), `limit` buckets per page (defaults and maxima as documented), an
 * opaque `next_page` cursor, results aggregated by the `group_by` keys asked for (keys not grouped
 * are null, as the real APIs answer), the providers' auth headers and error bodies, and money as
 * OpenAI's JSON number in USD and Anthropic's decimal string in cents. Seeds are the finest grain.
 */
export interface OpenAIUsageSeed { day: string; model: string; project_id: string | null; api_key_id: string | null; input_tokens: number; input_cached_tokens: number; input_cache_write_tokens?: number; output_tokens: number; num_model_requests: number }
export interface OpenAICostSeed { day: string; line_item: string; project_id: string | null; api_key_id: string | null; value: string }
export interface AnthropicUsageSeed { day: string; model: string; workspace_id: string | null; api_key_id: string | null; uncached_input_tokens: number; cache_read_input_tokens: number; cache_5m: number; cache_1h: number; output_tokens: number }
export interface AnthropicCostSeed { day: string; model: string | null; description: string; workspace_id: string | null; token_type: string | null; cost_type: string; amount: string }

export interface FakeAdminData {
  openai: { completions: OpenAIUsageSeed[]; embeddings: OpenAIUsageSeed[]; costs: OpenAICostSeed[] };
  anthropic: { usage: AnthropicUsageSeed[]; costs: AnthropicCostSeed[] };
}

export interface FakeAdminApis {
  url: string;
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  data: FakeAdminData;
  /** Every request seen: path and query string. */
  requests: { path: string; query: URLSearchParams }[];
  /** Answers queued per path prefix before the real one: e.g. [{ status: 429, retryAfter: '1' }]. */
  failures: Map<string, { status: number; retryAfter?: string }[]>;
  close(): Promise<void>;
}

export const OPENAI_ADMIN_KEY = 'sk-admin-test-0123456789';
export const ANTHROPIC_ADMIN_KEY = 'sk-ant-admin01-test-0123456789';
const DAY_S = 86_400;

// The money literal goes into the JSON text as written, never through a float.
const NUM = (text: string) => `\u0000num:${text}\u0000`;
const render = (body: unknown) => JSON.stringify(body).replace(/"\\u0000num:([^\\]+)\\u0000"/g, '$1');

const sumDecimal = (values: string[]) => formatTrimmed(values.reduce((a, v) => a + parseScaled(v, 20), 0n), 20);

function aggregate<T extends object>(rows: T[], keys: (keyof T)[], groupBy: string[], sum: (rows: T[]) => Record<string, unknown>): Record<string, unknown>[] {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const id = JSON.stringify(keys.map((k) => (groupBy.includes(String(k)) ? r[k] : null)));
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups].map(([id, rs]) => ({ ...Object.fromEntries(keys.map((k, i) => [k, (JSON.parse(id) as unknown[])[i]])), ...sum(rs) }));
}

function pageOf(query: URLSearchParams, startS: number, endS: number, defaultLimit: number, maxLimit: number): { days: number[]; next: string | null } | string {
  const limit = Number(query.get('limit') ?? defaultLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return `limit must be between 1 and ${maxLimit}`;
  const first = query.get('page') ? Number(Buffer.from(query.get('page')!, 'base64url').toString().replace('day:', '')) : startS;
  const days: number[] = [];
  for (let t = first; t < endS && days.length < limit; t += DAY_S) days.push(t);
  const after = first + limit * DAY_S;
  return { days, next: after < endS ? Buffer.from(`day:${after}`).toString('base64url') : null };
}

const isoDay = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

function openai(url: URL, data: FakeAdminData['openai']): { status: number; body: string } {
  const q = url.searchParams;
  const error = (status: number, message: string) => ({ status, body: JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }) });
  const start = Number(q.get('start_time'));
  if (!q.get('start_time') || !Number.isInteger(start)) return error(400, 'start_time is required');
  const end = q.get('end_time') ? Number(q.get('end_time')) : start + 7 * DAY_S;
  if ((q.get('bucket_width') ?? '1d') !== '1d') return error(400, 'only 1d buckets in this fake');
  const groupBy = q.getAll('group_by');
  const costs = url.pathname.endsWith('/organization/costs');
  const page = pageOf(q, start, end, 7, costs ? 180 : 31);
  if (typeof page === 'string') return error(400, page);
  const buckets = page.days.map((s) => {
    const day = isoDay(s);
    const results = costs
      ? aggregate(data.costs.filter((c) => c.day === day), ['line_item', 'project_id', 'api_key_id'], groupBy, (rs) => ({
          object: 'organization.costs.result',
          amount: { value: NUM(sumDecimal(rs.map((r) => r.value))), currency: 'usd' },
          organization_id: 'org-test',
          quantity: null,
          quantity_unit: null,
        }))
      : aggregate((url.pathname.endsWith('/embeddings') ? data.embeddings : data.completions).filter((c) => c.day === day), ['model', 'project_id', 'api_key_id'], groupBy, (rs) => ({
          object: url.pathname.endsWith('/embeddings') ? 'organization.usage.embeddings.result' : 'organization.usage.completions.result',
          input_tokens: rs.reduce((a, r) => a + r.input_tokens, 0),
          output_tokens: rs.reduce((a, r) => a + r.output_tokens, 0),
          input_cached_tokens: rs.reduce((a, r) => a + r.input_cached_tokens, 0),
          input_cache_write_tokens: rs.reduce((a, r) => a + (r.input_cache_write_tokens ?? 0), 0),
          input_uncached_tokens: rs.reduce((a, r) => a + r.input_tokens - r.input_cached_tokens, 0),
          input_audio_tokens: 0,
          output_audio_tokens: 0,
          num_model_requests: rs.reduce((a, r) => a + r.num_model_requests, 0),
          user_id: null,
          batch: null,
          service_tier: null,
        }));
    return { object: 'bucket', start_time: s, end_time: s + DAY_S, results };
  });
  return { status: 200, body: render({ object: 'page', data: buckets, has_more: page.next !== null, next_page: page.next }) };
}

function anthropic(url: URL, data: FakeAdminData['anthropic']): { status: number; body: string } {
  const q = url.searchParams;
  const error = (status: number, message: string) => ({ status, body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }) });
  const startAt = Date.parse(q.get('starting_at') ?? '');
  if (Number.isNaN(startAt) || !/Z$|[+-]\d\d:\d\d$/.test(q.get('starting_at')!)) return error(400, 'starting_at: an RFC 3339 timestamp is required');
  const start = startAt / 1000;
  const end = q.get('ending_at') ? Date.parse(q.get('ending_at')!) / 1000 : start + 7 * DAY_S;
  const groupBy = q.getAll('group_by[]');
  const costs = url.pathname.endsWith('/cost_report');
  const page = pageOf(q, start, end, 7, 31);
  if (typeof page === 'string') return error(400, page);
  const buckets = page.days.map((s) => {
    const day = isoDay(s);
    const results = costs
      ? aggregate(data.costs.filter((c) => c.day === day), ['workspace_id', 'description', 'model', 'token_type', 'cost_type'], groupBy.includes('description') ? [...groupBy, 'model', 'token_type', 'cost_type'] : groupBy, (rs) => ({
          currency: 'USD',
          amount: sumDecimal(rs.map((r) => r.amount)),
          service_tier: null,
          context_window: null,
        }))
      : aggregate(data.usage.filter((u) => u.day === day), ['model', 'workspace_id', 'api_key_id'], groupBy, (rs) => ({
          uncached_input_tokens: rs.reduce((a, r) => a + r.uncached_input_tokens, 0),
          cache_read_input_tokens: rs.reduce((a, r) => a + r.cache_read_input_tokens, 0),
          cache_creation: { ephemeral_1h_input_tokens: rs.reduce((a, r) => a + r.cache_1h, 0), ephemeral_5m_input_tokens: rs.reduce((a, r) => a + r.cache_5m, 0) },
          output_tokens: rs.reduce((a, r) => a + r.output_tokens, 0),
          server_tool_use: { web_search_requests: 0 },
          service_tier: null,
          context_window: null,
        }));
    return { starting_at: new Date(s * 1000).toISOString().replace('.000Z', 'Z'), ending_at: new Date((s + DAY_S) * 1000).toISOString().replace('.000Z', 'Z'), results };
  });
  return { status: 200, body: JSON.stringify({ data: buckets, has_more: page.next !== null, next_page: page.next }) };
}

function answer(req: IncomingMessage, fake: FakeAdminApis): { status: number; body: string; retryAfter?: string } {
  const url = new URL(req.url ?? '/', 'http://fake');
  fake.requests.push({ path: url.pathname, query: url.searchParams });
  for (const [prefix, queue] of fake.failures) {
    if (url.pathname.startsWith(prefix) && queue.length) {
      const f = queue.shift()!;
      return { status: f.status, body: JSON.stringify({ error: { message: 'try again later', type: 'server_error' } }), ...(f.retryAfter ? { retryAfter: f.retryAfter } : {}) };
    }
  }
  if (url.pathname.startsWith('/openai/v1/organization/')) {
    if (req.headers.authorization !== `Bearer ${OPENAI_ADMIN_KEY}`) return { status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } }) };
    return openai(new URL(url.pathname.replace('/openai/v1', '/v1') + url.search, 'http://fake'), fake.data.openai);
  }
  if (url.pathname.startsWith('/anthropic/v1/organizations/')) {
    if (req.headers['x-api-key'] !== ANTHROPIC_ADMIN_KEY) return { status: 401, body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }) };
    if (req.headers['anthropic-version'] !== '2023-06-01') return { status: 400, body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version header is required' } }) };
    return anthropic(url, fake.data.anthropic);
  }
  return { status: 404, body: JSON.stringify({ error: { message: 'not found' } }) };
}

/** Starts both fakes on one port: OpenAI under /openai/v1, Anthropic under /anthropic. */
export async function startFakeAdminApis(data: FakeAdminData): Promise<FakeAdminApis> {
  const fake = { data, requests: [], failures: new Map() } as unknown as FakeAdminApis;
  const server: Server = createServer((req, res: ServerResponse) => {
    const a = answer(req, fake);
    res.writeHead(a.status, { 'content-type': 'application/json', ...(a.retryAfter ? { 'retry-after': a.retryAfter } : {}) });
    res.end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, {
    url,
    openaiBaseUrl: `${url}/openai/v1`,
    anthropicBaseUrl: `${url}/anthropic`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
