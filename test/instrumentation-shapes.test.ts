/**
 * Producers whose packages do not run here (AI SDK 7 and @ai-sdk/otel need Node >= 22; OpenLIT's
 * SDK and the OpenInference Anthropic instrumentation are not installed), sent as spans in exactly
 * the shape the reference documents, through the real OTLP path into the receiver and ClickHouse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../packages/receiver/src/settle/index.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { postTrace, type JsonSpan } from './support/trace-json.js';

let r: TestReceiver;
beforeAll(async () => {
  r = await startTestReceiver('instr_shapes', { yaml: 'settle:\n  enabled: false\n' });
});
afterAll(async () => r.stop());

const start = new Date();
const id = (n: number, width: number) => n.toString(16).padStart(width, '0');
const s = (t: number, n: number, parent: number | null, name: string, kind: number, scope: string, attributes: JsonSpan['attributes']): JsonSpan => ({
  traceId: id(t, 32), spanId: id(n, 16), ...(parent !== null && { parentSpanId: id(parent, 16) }), name, kind, scope, start, attributes,
});

async function bill(client: string): Promise<Record<string, unknown>> {
  await settle(r.server.receiver.store, { now: new Date(), windowMs: 3_600_000, pricer: r.server.receiver.pricer });
  const body = (await (await fetch(`${r.url}/api/v1/usage?from=2020-01-01&to=2100-01-01&client=${client}`)).json()) as { rows: Array<Record<string, unknown>> };
  return body.rows[0]!;
}

describe('reference-shaped spans of producers that cannot run here', () => {
  it('AI SDK 7 (@ai-sdk/otel): bills the chat spans, never the invoke_agent totals', async () => {
    const c = { 'tokenledger.client.id': 'v7-co' };
    const chat = (input: number, output: number, cached: number) => ({
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output, 'gen_ai.usage.cache_read.input_tokens': cached, ...c,
    });
    await postTrace(r.url, [
      s(1, 1, null, 'invoke_agent gpt-4o', 1, 'gen_ai', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1500, 'gen_ai.usage.output_tokens': 300, 'gen_ai.usage.cache_read.input_tokens': 1000, ...c }),
      s(1, 2, 1, 'step 0', 1, 'gen_ai', { 'gen_ai.operation.name': 'agent_step', ...c }),
      s(1, 3, 2, 'chat gpt-4o', 3, 'gen_ai', chat(500, 100, 0)),
      s(1, 4, 1, 'step 1', 1, 'gen_ai', { 'gen_ai.operation.name': 'agent_step', ...c }),
      s(1, 5, 4, 'chat gpt-4o', 3, 'gen_ai', chat(1000, 200, 1000)),
    ]);
    // 500 x $2.50/M + 100 x $10/M = $0.00225, then 1000 cached x $1.25/M + 200 x $10/M = $0.00325
    expect(await bill('v7-co')).toMatchObject({ calls: 2, input_tokens: 1500, cached_input_tokens: 1000, cost_usd: '0.005500000' });
  });

  it('OpenLIT (TS): Anthropic input made cache-inclusive, its own cost kept beside ours as drift', async () => {
    await postTrace(r.url, [
      s(2, 1, null, 'chat claude-sonnet-4-5', 3, 'openlit', {
        'telemetry.sdk.name': 'openlit', 'gen_ai.provider.name': 'anthropic', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'claude-sonnet-4-5',
        // Raw Anthropic input_tokens (exclusive of cache), cache counts "added on top".
        'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.cache_read.input_tokens': 18000, 'gen_ai.usage.cache_creation.input_tokens': 3000,
        'gen_ai.usage.output_tokens': 850, 'gen_ai.usage.cost': 0.03, 'tokenledger.client.id': 'openlit-co',
      }),
    ]);
    // 120 x $3/M + 18000 x $0.30/M + 3000 x $3.75/M + 850 x $15/M = $0.02976
    expect(await bill('openlit-co')).toMatchObject({ calls: 1, input_tokens: 21120, cost_usd: '0.029760000', producer_cost_calls: 1, producer_cost_usd: '0.030000000', drift_usd: '-0.000240000' });
  });

  it('OpenInference Anthropic (JS): raw input, no cache keys; the cache is invisible and not billed', async () => {
    await postTrace(r.url, [
      s(3, 1, null, 'Anthropic Messages', 1, '@arizeai/openinference-instrumentation-anthropic', {
        'openinference.span.kind': 'LLM', 'llm.system': 'anthropic', 'llm.provider': 'anthropic', 'llm.model_name': 'claude-sonnet-4-5-20250929',
        'llm.token_count.prompt': 120, 'llm.token_count.completion': 850, 'llm.token_count.total': 970, 'tokenledger.client.id': 'oi-anthropic-co',
      }),
    ]);
    // 120 x $3/M + 850 x $15/M: the 18000 cache reads and 3000 writes of the call never reach the span.
    expect(await bill('oi-anthropic-co')).toMatchObject({ calls: 1, input_tokens: 120, cost_usd: '0.013110000' });
  });

  it('OpenInference LangChain over OpenInference OpenAI: the LLM wrapper is not billed', async () => {
    const llm = { 'openinference.span.kind': 'LLM', 'llm.system': 'openai', 'llm.provider': 'openai', 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 500, 'llm.token_count.completion': 200, 'tokenledger.client.id': 'oi-lc-co' };
    await postTrace(r.url, [
      s(4, 1, null, 'RunnableSequence', 1, '@arizeai/openinference-instrumentation-langchain', { 'openinference.span.kind': 'CHAIN', 'tokenledger.client.id': 'oi-lc-co' }),
      s(4, 2, 1, 'ChatOpenAI', 1, '@arizeai/openinference-instrumentation-langchain', llm),
      s(4, 3, 2, 'OpenAI Chat Completions', 1, '@arizeai/openinference-instrumentation-openai', llm),
    ]);
    expect(await bill('oi-lc-co')).toMatchObject({ calls: 1, cost_usd: '0.003250000' });
  });
});
