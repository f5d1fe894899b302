import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAttribution } from '../attribution/attribution.js';
import { BudgetExceededError } from '../errors.js';
import { instrumentAnthropic } from '../instrument/anthropic.js';
import { instrumentOpenAI } from '../instrument/openai.js';
import { anthropicReply } from '../test-support/anthropic-wire.js';
import { budget, budgetsReply } from '../test-support/budgets-wire.js';
import { startFakeServer, type FakeServer } from '../test-support/fake-server.js';
import { openAiReply } from '../test-support/openai-wire.js';
import { setupTracing, type TestTracing } from '../test-support/tracing.js';
import { createBudgetGuard } from './budget-guard.js';

let budgets: FakeServer;
let openai: FakeServer;
let anthropic: FakeServer;
let tracing: TestTracing;

beforeAll(async () => {
  tracing = setupTracing();
  openai = await startFakeServer(openAiReply);
  anthropic = await startFakeServer(anthropicReply);
  budgets = await startFakeServer(
    budgetsReply({
      acme: budget('acme', { budget: '500', spent: '499.975', remaining: '0.025', status: 'warning', hardCap: true }),
      globex: budget('globex', { budget: '100', spent: '100.01', remaining: '-0.01', status: 'exceeded', hardCap: true }),
    }),
  );
});
afterAll(async () => {
  await Promise.all([budgets.close(), openai.close(), anthropic.close()]);
  await tracing.shutdown();
});
beforeEach(() => {
  budgets.requests.length = 0;
  openai.requests.length = 0;
  tracing.exporter.reset();
});

const ask = (client: OpenAI) => client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }] });
const newClient = () => new OpenAI({ apiKey: 'sk-test', baseURL: `${openai.url}/v1`, maxRetries: 0 });

describe('budgetGuard on a wrapped client', () => {
  it('throws BudgetExceededError before the provider is called', async () => {
    const client = instrumentOpenAI(newClient(), { budgetGuard: { url: budgets.url } });
    const error = await withAttribution({ client: 'globex' }, () => ask(client)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ code: 'budget_exceeded', clientId: 'globex', figures: { spentUsd: '100.01', budgetUsd: '100' } });
    expect(openai.requests).toHaveLength(0);
    expect(tracing.spans()).toHaveLength(0);
  });

  it('lets only what fits through from a concurrent burst, and frees reservations as calls end', async () => {
    const guard = createBudgetGuard({ url: budgets.url, estimateUsd: '0.01' });
    const client = instrumentOpenAI(newClient(), { budgetGuard: guard });
    const outcomes = await withAttribution({ client: 'acme' }, () => Promise.allSettled(Array.from({ length: 5 }, () => ask(client))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(openai.requests).toHaveLength(2);
    expect(budgets.requests.map((r) => r.path).sort()).toEqual(['/api/v1/budgets', '/api/v1/budgets/acme']);
    expect(guard.reservedUsd('acme')).toBe('0.000000000');
    expect(tracing.spans().map((s) => s.attributes['tokenledger.client.id'])).toEqual(['acme', 'acme']);
  });

  it('releases the reservation when a streamed call ends', async () => {
    const guard = createBudgetGuard({ url: budgets.url, estimateUsd: '0.02' });
    const client = instrumentOpenAI(newClient(), { budgetGuard: guard });
    await withAttribution({ client: 'acme' }, async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] });
      expect(guard.reservedUsd('acme')).toBe('0.020000000');
      for await (const _chunk of stream) void _chunk;
    });
    expect(guard.reservedUsd('acme')).toBe('0.000000000');
  });

  it('asks about unattributed calls only for the scoped caps', async () => {
    const client = instrumentOpenAI(newClient(), { budgetGuard: { url: budgets.url } });
    await ask(client);
    expect(budgets.requests.map((r) => r.path)).toEqual(['/api/v1/budgets']);
    expect(openai.requests).toHaveLength(1);
  });

  it('keeps .withResponse() on guarded calls, so SDK helpers such as messages.stream() work', async () => {
    const guard = createBudgetGuard({ url: budgets.url, estimateUsd: '0.01' });
    const client = instrumentAnthropic(new Anthropic({ apiKey: 'k', baseURL: anthropic.url, maxRetries: 0, openTelemetry: false }), { budgetGuard: guard });
    const params = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'x' }] };
    const final = await withAttribution({ client: 'acme' }, () => client.messages.stream(params).finalMessage());
    expect(final.id).toBe('msg_01Stream');
    const { data, response } = await withAttribution({ client: 'acme' }, () => client.messages.create(params).withResponse());
    expect([data.id, response.status]).toEqual(['msg_01XFDUDYJgAACzvnptvVoYEL', 200]);
    expect(guard.reservedUsd('acme')).toBe('0.000000000');
    // MessageStream wraps foreign errors in AnthropicError and keeps ours as `cause`.
    const refused = await withAttribution({ client: 'globex' }, () => client.messages.stream(params).finalMessage()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Anthropic.AnthropicError);
    expect((refused as Error).cause).toBeInstanceOf(BudgetExceededError);
    expect(anthropic.requests).toHaveLength(2);
  });
});
