import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { buildSpan, expectedCall, usage } from '../testing/span-builder.js';

const options = { extraClientKeys: [] };

describe('openlit dialect', () => {
  it('bills an OpenAI chat span and keeps gen_ai.usage.cost as producer cost, never as the price', () => {
    const span = buildSpan({
      name: 'chat gpt-4o',
      scope: 'openlit',
      attributes: {
        'telemetry.sdk.name': 'openlit',
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.response.id': 'chatcmpl-OL1',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 500,
        'gen_ai.usage.cache_read.input_tokens': 256,
        'gen_ai.usage.reasoning_tokens': 64,
        'gen_ai.usage.total_tokens': 1500,
        'gen_ai.usage.cost': 0.00725,
        'deployment.environment': 'production',
        'service.name': 'support-bot',
      },
      resource: { 'service.name': 'support-bot', 'deployment.environment': 'production' },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        responseId: 'chatcmpl-OL1',
        usage: usage({ inputTokens: 1000, cachedInputTokens: 256, outputTokens: 500, reasoningTokens: 64 }),
        producerCostNanos: 7_250_000n,
        attribution: { clientId: '', clientKey: '', project: '', feature: '', app: 'support-bot', environment: 'production', userId: '', unitKind: '', unitId: '', tags: [] },
        dialect: 'openlit',
        scopeName: 'openlit',
      }),
    );
  });

  it('adds cache tokens to Anthropic input, which OpenLIT reports raw (cache-exclusive)', () => {
    const span = buildSpan({
      name: 'chat claude-3-5-haiku-latest',
      scope: 'openlit.otel.tracing',
      attributes: {
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'claude-3-5-haiku-latest',
        'gen_ai.usage.input_tokens': 50,
        'gen_ai.usage.output_tokens': 70,
        'gen_ai.usage.cache_read.input_tokens': 3000,
        'gen_ai.usage.cache_creation.input_tokens': 150,
        'gen_ai.usage.cost': '0.0004662',
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'anthropic',
        requestModel: 'claude-3-5-haiku-latest',
        usage: usage({ inputTokens: 3200, cachedInputTokens: 3000, cacheWriteTokens: 150, outputTokens: 70 }),
        producerCostNanos: 466_200n,
        dialect: 'openlit',
        scopeName: 'openlit.otel.tracing',
      }),
    );
  });

  it('reads the older prompt_tokens_details cache keys and legacy provider spellings', () => {
    const span = buildSpan({
      scope: 'my-service',
      resource: { 'telemetry.sdk.name': 'openlit' },
      attributes: {
        'gen_ai.provider.name': 'vertex_ai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': 900,
        'gen_ai.usage.output_tokens': 10,
        'gen_ai.usage.prompt_tokens_details.cached_tokens': 512,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'gcp.vertex_ai',
        usage: usage({ inputTokens: 900, cachedInputTokens: 512, outputTokens: 10 }),
        dialect: 'openlit',
        scopeName: 'my-service',
      }),
    );
  });

  it('corrects a Gemini output that left thoughts out, as its total shows (§9 rule 9)', () => {
    const span = buildSpan({
      scope: 'openlit',
      attributes: {
        'gen_ai.provider.name': 'gemini',
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': 400,
        'gen_ai.usage.output_tokens': 100,
        'gen_ai.usage.reasoning_tokens': 250,
        'gen_ai.usage.total_tokens': 750,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({ provider: 'gcp.gemini', usage: usage({ inputTokens: 400, outputTokens: 350, reasoningTokens: 250 }), dialect: 'openlit', scopeName: 'openlit' }),
    );
  });

  it.each(['invoke_workflow', 'invoke_agent', 'execute_task', 'vectordb', 'image', 'audio', 'fine_tuning'])('does not bill %s', (operation) => {
    const span = buildSpan({ scope: 'openlit', attributes: { 'gen_ai.operation.name': operation, 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.cost': 0.1 } });
    expect(normalizeSpan(span, options)).toEqual({ kind: 'ignored', reason: 'not_model_call' });
  });
});
