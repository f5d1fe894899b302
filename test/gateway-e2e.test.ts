// End to end: the real vendor SDKs -> the gateway -> fake provider servers (each vendor's wire
// format, SSE included) -> the gateway's span over OTLP/HTTP protobuf -> the real receiver ->
// ClickHouse. Expected costs are worked out by hand from packages/pricing/src/catalog/data/*.json
// (USD per 1M tokens, so one token costs price x 1,000 nano-USD), the same wire fixtures and
// figures as test/otel-e2e.test.ts: a call metered at the gateway costs what the SDK route bills.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { parseGatewayConfig, sha256, startGateway, type RunningGateway } from '@tokenledger/gateway';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { geminiReply } from '../packages/otel/src/test-support/gemini-wire.js';
import { openAiReply } from '../packages/otel/src/test-support/openai-wire.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import { anthropicReplyWithStreamedWrites } from './support/anthropic-streamed-cache-writes.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { reportedCostUsd, storedCalls, type StoredCall } from './support/stored-calls.js';

const REAL_KEYS = { OPENAI_API_KEY: 'sk-real-openai-0001', ANTHROPIC_API_KEY: 'sk-ant-real-0002', GEMINI_API_KEY: 'gm-real-0003' };
const VIRTUAL = { keyed: 'tlgw-keyed-3f9a1c', capped: 'tlgw-capped-77d0e2', limited: 'tlgw-limited-b41c58' };
const hex = (key: string) => sha256(key).toString('hex');

let r: TestReceiver;
let openai: FakeServer;
let anthropic: FakeServer;
let gemini: FakeServer;
/** Pass-through mode: callers' own keys, attribution from headers. */
let open: RunningGateway;
/** Virtual-key mode. */
let keyed: RunningGateway;
const logs: string[] = [];

beforeAll(async () => {
  [r, openai, anthropic, gemini] = await Promise.all([
    startTestReceiver('gateway_e2e', { yaml: 'clients:\n  - { id: gw-capped, monthly_budget_usd: 0.01, hard_cap: true }\n' }),
    startFakeServer(openAiReply),
    startFakeServer(anthropicReplyWithStreamedWrites),
    startFakeServer(geminiReply),
  ]);
  const upstreams = { openai: { base_url: `${openai.url}/v1` }, anthropic: { base_url: `${anthropic.url}/v1` }, gemini: { base_url: `${gemini.url}/v1beta` } };
  const options = { pricer: buildPricer(r.config), spanDelayMs: 50, log: { write: (t: string) => void logs.push(t) } };
  open = await startGateway(parseGatewayConfig({ receiver_url: r.url, upstreams }, {}, 0), options);
  const keys = [
    { client: 'gw-keyed', key_sha256: hex(VIRTUAL.keyed) },
    { client: 'gw-capped', key_sha256: hex(VIRTUAL.capped) },
    { client: 'gw-limited', key_sha256: hex(VIRTUAL.limited), rpm: 2 },
  ];
  keyed = await startGateway(parseGatewayConfig({ receiver_url: r.url, upstreams, keys }, REAL_KEYS, 0), options);
});
afterAll(async () => {
  await Promise.all([open?.stop(), keyed?.stop()]);
  await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
  await r.stop();
});

const tags = (client: string) => JSON.stringify({ client, project: 'helpdesk', feature: 'summarize', env: 'production', plan: 'pro' });
const openAi = (gw: RunningGateway, headers: Record<string, string>, apiKey = 'sk-caller-own') =>
  new OpenAI({ apiKey, baseURL: `${gw.url}/openai/v1`, maxRetries: 0, defaultHeaders: headers });
const claude = (gw: RunningGateway, headers: Record<string, string>, apiKey = 'sk-ant-caller') =>
  new Anthropic({ apiKey, baseURL: `${gw.url}/anthropic`, maxRetries: 0, defaultHeaders: headers });
const genai = (gw: RunningGateway, headers: Record<string, string>, apiKey = 'gm-caller') =>
  new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `${gw.url}/gemini`, headers } });
const messages = [{ role: 'user' as const, content: 'Summarize' }];
const anthropicRequest = { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Summarize the contract' }] };

async function stored(client: string, count = 1): Promise<StoredCall[]> {
  await Promise.all([open.flush(), keyed.flush()]);
  const calls = await storedCalls(r, client);
  expect(calls).toHaveLength(count);
  return calls;
}
const lastRequest = (fake: FakeServer) => fake.requests[fake.requests.length - 1]!;

describe('pass-through mode: the callers own keys, attribution from headers, exact stored cost', () => {
  it('OpenAI chat: X-Metering-Tags attributes the call; the caller key goes upstream untouched (o4-mini, cached and reasoning)', async () => {
    const result = await openAi(open, { 'X-Metering-Tags': tags('gw-oa-chat') }).chat.completions.create({ model: 'o4-mini', messages });
    expect(result.choices[0]?.message.content).toBe('Summary.');
    expect(lastRequest(openai).headers.authorization).toBe('Bearer sk-caller-own');
    expect(lastRequest(openai).headers['x-metering-tags']).toBeUndefined();
    const [call] = await stored('gw-oa-chat');
    expect(call).toMatchObject({ client: 'gw-oa-chat', project: 'helpdesk', feature: 'summarize', tags: { plan: 'pro' }, app: 'tokenledger-gateway', provider: 'openai', operation: 'chat', scope: '@tokenledger/gateway', priceKey: 'openai/o4-mini@2025-04-16' });
    expect(call!.tokens).toEqual({ input: 2006, cached: 1920, write5m: 0, write1h: 0, output: 300, reasoning: 192 });
    // 86 uncached x 1,100 + 1,920 cached x 275 + 300 out x 4,400
    expect(call!.nanos.total).toBe(1_942_600n);
    expect(await reportedCostUsd(r, 'gw-oa-chat')).toBe('0.001942600');
  });

  it('OpenAI chat stream: include_usage is added upstream, and the caller gets byte for byte the stream it asked for', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages, stream: true });
    const direct = await (await fetch(`${openai.url}/v1/chat/completions`, { method: 'POST', body })).text();
    const res = await fetch(`${open.url}/openai/v1/chat/completions`, { method: 'POST', body, headers: { 'x-tokenledger-client': 'gw-oa-bytes', 'content-type': 'application/json' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe(direct);
    expect(lastRequest(openai).json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const [call] = await stored('gw-oa-bytes');
    // 176 x 150 + 1,024 x 75 + 40 x 600 (gpt-4o-mini)
    expect(call!.nanos.total).toBe(127_200n);
  });

  it('OpenAI chat stream through the SDK: text intact, no usage chunk shown; a caller who asks for usage sees it', async () => {
    const client = openAi(open, { 'X-Metering-Tags': tags('gw-oa-stream') });
    const chunks = [];
    for await (const chunk of await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello');
    expect(chunks.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
    const asked = [];
    for await (const chunk of await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } })) asked.push(chunk);
    expect(asked.at(-1)?.usage?.prompt_tokens).toBe(1200);
    const calls = await stored('gw-oa-stream', 2);
    expect(calls.map((c) => c.nanos.total)).toEqual([127_200n, 127_200n]);
    expect(await reportedCostUsd(r, 'gw-oa-stream')).toBe('0.000254400');
  });

  it('OpenAI responses, plain and streamed: the flex tier the response reports is billed (gpt-5 flex)', async () => {
    const client = openAi(open, { 'X-TokenLedger-Client': 'gw-oa-resp', 'X-TokenLedger-Project': 'planner' });
    expect((await client.responses.create({ model: 'gpt-5', input: 'Plan it' })).output_text).toBe('Done.');
    const events = [];
    for await (const event of await client.responses.create({ model: 'gpt-5', input: 'Plan it', stream: true })) events.push(event.type);
    expect(events).toEqual(['response.created', 'response.output_text.delta', 'response.completed']);
    const calls = await stored('gw-oa-resp', 2);
    for (const call of calls) {
      expect(call).toMatchObject({ project: 'planner', serviceTier: 'flex', priceKey: 'openai/gpt-5@2025-08-07' });
      // 1,104 x 625 + 4,096 x 62.5 + 900 x 5,000
      expect(call.nanos.total).toBe(5_446_000n);
    }
    expect(await reportedCostUsd(r, 'gw-oa-resp')).toBe('0.010892000');
  });

  it('OpenAI embeddings: input only (text-embedding-3-small $0.02)', async () => {
    await openAi(open, { 'X-TokenLedger-Client': 'gw-oa-embed' }).embeddings.create({ model: 'text-embedding-3-small', input: 'invoice' });
    const [call] = await stored('gw-oa-embed');
    expect(call).toMatchObject({ operation: 'embeddings', tokens: { input: 8, cached: 0, write5m: 0, write1h: 0, output: 0, reasoning: 0 } });
    expect(call!.nanos.total).toBe(160n);
  });

  it('Anthropic messages: cache reads, 5-minute and 1-hour writes, thinking, priced as the receiver prices them (sonnet 4.6)', async () => {
    await claude(open, { 'X-Metering-Tags': tags('gw-an-plain') }).messages.create(anthropicRequest);
    // @anthropic-ai/sdk 1.x sends its key as a bearer token.
    expect(lastRequest(anthropic).headers.authorization).toBe('Bearer sk-ant-caller');
    const [call] = await stored('gw-an-plain');
    expect(call).toMatchObject({ provider: 'anthropic', priceKey: 'anthropic/claude-sonnet-4-6@2026-02-17' });
    expect(call!.tokens).toEqual({ input: 21_120, cached: 18_000, write5m: 1000, write1h: 2000, output: 850, reasoning: 400 });
    // 120 x 3,000 + 18,000 x 300 + (1,000 x 3,750 + 2,000 x 6,000) + 850 x 15,000
    expect(call!.nanos).toEqual({ input: 360_000n, cached: 5_400_000n, write: 15_750_000n, output: 12_750_000n, total: 34_260_000n });
  });

  it('Anthropic messages.stream(): usage from message_start and message_delta, both write lifetimes', async () => {
    const message = await claude(open, { 'X-Metering-Tags': tags('gw-an-stream') }).messages.stream(anthropicRequest).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello' }]);
    const [call] = await stored('gw-an-stream');
    expect(call!.tokens).toEqual({ input: 11_545, cached: 9000, write5m: 500, write1h: 2000, output: 312, reasoning: 0 });
    expect(call!.nanos.total).toBe(21_390_000n);
    expect(await reportedCostUsd(r, 'gw-an-stream')).toBe('0.021390000');
  });

  it('Gemini generateContent and generateContentStream: thoughts add to output, cached content billed at the cache rate', async () => {
    const client = genai(open, { 'X-Metering-Tags': tags('gw-gm') });
    expect((await client.models.generateContent({ model: 'gemini-2.5-pro', contents: 'Forecast' })).text).toBe('Forecast ready.');
    let text = '';
    for await (const chunk of await client.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Forecast' })) text += chunk.text ?? '';
    expect(text).toBe('Forecast.');
    expect(lastRequest(gemini).headers['x-goog-api-key']).toBe('gm-caller');
    const calls = await stored('gw-gm', 2);
    expect(calls.map((c) => [c.provider, c.operation, c.priceKey, c.nanos.total]).sort()).toEqual([
      // 900 x 300 + 200 x 2,500
      ['gcp.gemini', 'generate_content', 'gcp.gemini/gemini-2.5-flash@2025-06-17', 770_000n],
      // 100 x 1,250 + 4,000 x 125 + 1,000 x 10,000
      ['gcp.gemini', 'generate_content', 'gcp.gemini/gemini-2.5-pro@2025-06-17', 10_625_000n],
    ]);
    expect(await reportedCostUsd(r, 'gw-gm')).toBe('0.011395000');
  });

  it('other /openai/v1/* routes are passed through unmetered', async () => {
    const res = await fetch(`${open.url}/openai/v1/models`, { headers: { 'x-tokenledger-client': 'gw-unmetered' } });
    expect(res.status).toBe(404);
    expect(lastRequest(openai).path).toBe('/v1/models');
    await open.flush();
    expect(await storedCalls(r, 'gw-unmetered')).toEqual([]);
  });
});

describe('errors', () => {
  it('a malformed X-Metering-Tags is a 400 in the provider error shape naming the header; nothing goes upstream', async () => {
    const before = openai.requests.length;
    const err = await openAi(open, { 'X-Metering-Tags': '{"client": acme' })
      .chat.completions.create({ model: 'o4-mini', messages })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'bad_request', message: expect.stringContaining('X-Metering-Tags') });
    const res = await fetch(`${open.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-metering-tags': '{"client": 7}' }, body: JSON.stringify(anthropicRequest) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'bad_request', message: 'X-Metering-Tags: "client" is not a string' } });
    expect(openai.requests.length).toBe(before);
  });

  it('upstream errors pass through with status, body and headers', async () => {
    const err = await openAi(open, {}).chat.completions.create({ model: 'rate-limited', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).error).toEqual({ message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' });
    const res = await fetch(`${open.url}/anthropic/v1/messages`, { method: 'POST', body: JSON.stringify({ ...anthropicRequest, model: 'overloaded' }) });
    expect(res.status).toBe(529);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('an unreachable upstream is a 502 upstream_unreachable', async () => {
    const down = await startFakeServer(openAiReply);
    await down.close();
    const gw = await startGateway(parseGatewayConfig({ receiver_url: r.url, upstreams: { openai: { base_url: `${down.url}/v1` } } }, {}, 0), { pricer: buildPricer(r.config) });
    try {
      const err = await openAi(gw, {}).chat.completions.create({ model: 'o4-mini', messages }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
      expect((err as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'upstream_unreachable', message: expect.stringContaining('cannot reach the upstream') });
    } finally {
      await gw.stop();
    }
  });
});

describe('virtual keys', () => {
  it('the virtual key is swapped for the real one; a header naming another client is ignored, its project kept', async () => {
    await openAi(keyed, { 'X-Metering-Tags': JSON.stringify({ client: 'someone-else', project: 'kb' }) }, VIRTUAL.keyed).chat.completions.create({ model: 'o4-mini', messages });
    expect(lastRequest(openai).headers.authorization).toBe(`Bearer ${REAL_KEYS.OPENAI_API_KEY}`);
    await claude(keyed, {}, VIRTUAL.keyed).messages.create(anthropicRequest);
    expect(lastRequest(anthropic).headers['x-api-key']).toBe(REAL_KEYS.ANTHROPIC_API_KEY);
    expect(lastRequest(anthropic).headers.authorization).toBeUndefined();
    await genai(keyed, {}, VIRTUAL.keyed).models.generateContent({ model: 'gemini-2.5-pro', contents: 'Forecast' });
    expect(lastRequest(gemini).headers['x-goog-api-key']).toBe(REAL_KEYS.GEMINI_API_KEY);
    expect(lastRequest(gemini).path).not.toContain('key=');
    const calls = await stored('gw-keyed', 3);
    expect(calls.map((c) => [c.provider, c.project, c.nanos.total]).sort()).toEqual([
      ['anthropic', '', 34_260_000n],
      ['gcp.gemini', '', 10_625_000n],
      ['openai', 'kb', 1_942_600n],
    ]);
    expect(await storedCalls(r, 'someone-else')).toEqual([]);
  });

  it('an unknown key is a 401 and nothing goes upstream; no key shows up in errors, logs or metrics', async () => {
    const before = openai.requests.length;
    const wrong = 'tlgw-wrong-9e8d7c';
    const err = await openAi(keyed, {}, wrong).chat.completions.create({ model: 'o4-mini', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const res = await fetch(`${keyed.url}/gemini/v1beta/models/gemini-2.5-pro:generateContent?key=${wrong}`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 401, message: 'unknown API key', status: 'UNAUTHENTICATED', type: 'unknown_key' } });
    expect(openai.requests.length).toBe(before);
    const metrics = await (await fetch(`${keyed.url}/metrics`)).text();
    expect(metrics).toContain('tokenledger_gateway_refused_total{provider="openai",reason="unknown_key"} 1');
    // Every stored row the gateway's spans produced, all columns, as text.
    await keyed.flush();
    const rows = await (await r.db.client.query({ query: `SELECT * FROM ${r.db.name}.llm_calls`, format: 'TabSeparated' })).text();
    expect(rows).toContain('gw-keyed');
    for (const secret of [wrong, ...Object.values(VIRTUAL), ...Object.values(REAL_KEYS), 'sk-caller-own', 'sk-ant-caller', 'gm-caller']) {
      expect(text + metrics + logs.join('') + rows).not.toContain(secret);
    }
  });

  it('rpm: over the key limit is a 429 rate_limit_exceeded with Retry-After, not sent upstream', async () => {
    const client = openAi(keyed, {}, VIRTUAL.limited);
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' });
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'b' });
    const before = openai.requests.length;
    const res = await fetch(`${keyed.url}/openai/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${VIRTUAL.limited}` }, body: JSON.stringify({ model: 'text-embedding-3-small', input: 'c' }) });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await res.json()).toMatchObject({ error: { type: 'rate_limit_exceeded' } });
    expect(openai.requests.length).toBe(before);
    expect((await stored('gw-limited', 2)).map((c) => c.nanos.total)).toEqual([160n, 160n]);
  });

  it('hard cap: a burst reserves its estimates, so only one call of a $0.01 budget goes upstream; refused calls are not billed', async () => {
    const before = anthropic.requests.length;
    const burst = await Promise.all(
      Array.from({ length: 4 }, () => fetch(`${keyed.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': VIRTUAL.capped }, body: JSON.stringify(anthropicRequest) })),
    );
    expect(burst.map((res) => res.status).sort()).toEqual([200, 429, 429, 429]);
    expect(anthropic.requests.length - before).toBe(1);
    const refused = burst.find((res) => res.status === 429)!;
    // Retry-After: the seconds left until the period (the UTC month) ends.
    const now = new Date();
    const periodEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    expect(Math.abs(Number(refused.headers.get('retry-after')) - (periodEnd - now.getTime()) / 1000)).toBeLessThan(60);
    expect(await refused.json()).toMatchObject({ type: 'error', error: { type: 'budget_exceeded' } });
    const [call] = await stored('gw-capped');
    expect(call!.nanos.total).toBe(34_260_000n);
    // Stored now, and over budget: the receiver's own figure refuses the next call.
    const budget = (await (await fetch(`${r.url}/api/v1/budgets/gw-capped`)).json()) as { status: string; spent_usd: string };
    expect(budget).toMatchObject({ status: 'exceeded', spent_usd: '0.034260000' });
    const again = await claude(keyed, {}, VIRTUAL.capped).messages.create(anthropicRequest).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Anthropic.RateLimitError);
    expect(anthropic.requests.length - before).toBe(1);
    expect(await (await fetch(`${keyed.url}/metrics`)).text()).toContain('tokenledger_gateway_refused_total{provider="anthropic",reason="budget_exceeded"} 4');
  });
});
