import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { buildSpan, expectedCall, usage } from '../testing/span-builder.js';

const options = { extraClientKeys: [] };

describe('otel-genai dialect (semconv v1.41 and the genai repo)', () => {
  it('bills a v1.41 chat span with cache reads inside input', () => {
    const span = buildSpan({
      name: 'chat gpt-4o',
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.response.id': 'chatcmpl-A1b2',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.cache_read.input_tokens': 1000,
        'gen_ai.usage.reasoning.output_tokens': 120,
        'server.address': 'api.openai.com',
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        responseId: 'chatcmpl-A1b2',
        usage: usage({ inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 300, reasoningTokens: 120 }),
        dialect: 'otel-genai',
      }),
    );
  });

  it('reads the deprecated gen_ai.system and prompt/completion keys with their old values', () => {
    const span = buildSpan({
      attributes: {
        'gen_ai.system': 'az.ai.openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.prompt_tokens': 500,
        'gen_ai.usage.completion_tokens': 200,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'azure.ai.openai',
        requestModel: 'gpt-4o-mini',
        usage: usage({ inputTokens: 500, outputTokens: 200 }),
        dialect: 'otel-genai',
      }),
    );
  });

  it.each([
    ['vertex_ai', 'gcp.vertex_ai'],
    ['gemini', 'gcp.gemini'],
    ['xai', 'x_ai'],
    ['az.ai.inference', 'azure.ai.inference'],
    ['Mistral_AI', 'mistral_ai'],
    ['ibm.watsonx.ai', 'ibm.watsonx.ai'],
  ])('maps legacy gen_ai.system %s to %s', (system, provider) => {
    const span = buildSpan({ attributes: { 'gen_ai.system': system, 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 1 } });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.provider).toBe(provider);
  });

  it('takes Anthropic input as already inclusive of cache reads and creation (anthropic.md)', () => {
    const span = buildSpan({
      attributes: {
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens': 1500,
        'gen_ai.usage.output_tokens': 90,
        'gen_ai.usage.cache_read.input_tokens': 1000,
        'gen_ai.usage.cache_creation.input_tokens': 400,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'anthropic',
        requestModel: 'claude-sonnet-4-5',
        usage: usage({ inputTokens: 1500, cachedInputTokens: 1000, cacheWriteTokens: 400, outputTokens: 90 }),
        dialect: 'otel-genai',
      }),
    );
  });

  it('prefers the renamed cache_write key over cache_creation', () => {
    const span = buildSpan({
      attributes: {
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': 900,
        'gen_ai.usage.output_tokens': 10,
        'gen_ai.usage.cache_write.input_tokens': 700,
        'gen_ai.usage.cache_creation.input_tokens': 5,
      },
    });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.usage).toEqual(usage({ inputTokens: 900, cacheWriteTokens: 700, outputTokens: 10 }));
  });

  it('splits Anthropic 1-hour cache writes out of cache_write, as the Anthropic SDK and our wrapper emit them', () => {
    const span = (oneHour: number) =>
      buildSpan({
        attributes: {
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': 21120,
          'gen_ai.usage.output_tokens': 850,
          'gen_ai.usage.cache_read.input_tokens': 18000,
          'gen_ai.usage.cache_write.input_tokens': 3000,
          'anthropic.usage.cache_creation.ephemeral_5m_input_tokens': 3000 - oneHour,
          'anthropic.usage.cache_creation.ephemeral_1h_input_tokens': oneHour,
        },
      });
    const usageOf = (oneHour: number) => {
      const outcome = normalizeSpan(span(oneHour), options);
      return outcome.kind === 'call' && outcome.call.usage;
    };
    const common = { inputTokens: 21120, cachedInputTokens: 18000, outputTokens: 850 };
    expect(usageOf(2000)).toEqual(usage({ ...common, cacheWriteTokens: 1000, cacheWrite1hTokens: 2000 }));
    expect(usageOf(3000)).toEqual(usage({ ...common, cacheWriteTokens: 0, cacheWrite1hTokens: 3000 }));
    expect(usageOf(0)).toEqual(usage({ ...common, cacheWriteTokens: 3000 }));
    // Inconsistent (1h above the total): the total stands, at the 5-minute rate.
    expect(usageOf(3001)).toEqual(usage({ ...common, cacheWriteTokens: 3000 }));
  });

  it('bills embeddings, text_completion and generate_content', () => {
    const ops = ['embeddings', 'text_completion', 'generate_content'].map((op) => {
      const outcome = normalizeSpan(buildSpan({ attributes: { 'gen_ai.operation.name': op, 'gen_ai.usage.input_tokens': 8 } }), options);
      return outcome.kind === 'call' ? outcome.call.operation : outcome.kind;
    });
    expect(ops).toEqual(['embeddings', 'text_completion', 'generate_content']);
  });

  it.each(['invoke_agent', 'create_agent', 'invoke_workflow', 'execute_tool', 'retrieval', 'fetch_response', 'plan', 'search_memory', 'rerank'])(
    'never bills %s, even with usage on it',
    (operation) => {
      const span = buildSpan({
        attributes: { 'gen_ai.operation.name': operation, 'gen_ai.usage.input_tokens': 5000, 'gen_ai.usage.output_tokens': 800 },
      });
      expect(normalizeSpan(span, options)).toEqual({ kind: 'ignored', reason: 'not_model_call' });
    },
  );

  it('ignores spans no GenAI producer wrote', () => {
    const span = buildSpan({ name: 'GET /v1/users', attributes: { 'http.request.method': 'GET', 'tokenledger.client.id': 'acme' } });
    expect(normalizeSpan(span, options)).toEqual({ kind: 'ignored', reason: 'not_genai' });
  });

  it('keeps a model call without usage as unmetered, not as zero', () => {
    const span = buildSpan({ attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.stream': true } });
    expect(normalizeSpan(span, options)).toEqual(expectedCall({ provider: 'openai', usage: null, dialect: 'otel-genai' }));
  });

  it('accepts int64 token counts that arrived as strings', () => {
    const span = buildSpan({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': '1200', 'gen_ai.usage.output_tokens': '7' } });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.usage).toEqual(usage({ inputTokens: 1200, outputTokens: 7 }));
  });

  it.each([
    [{ 'gen_ai.usage.input_tokens': -5 }, 'span b7ad6b7169203331: gen_ai.usage.input_tokens is -5, not a non-negative integer token count'],
    [{ 'gen_ai.usage.output_tokens': 1.5 }, 'span b7ad6b7169203331: gen_ai.usage.output_tokens is 1.5, not a non-negative integer token count'],
    [{ 'gen_ai.usage.input_tokens': '12k' }, 'span b7ad6b7169203331: gen_ai.usage.input_tokens is "12k", not a non-negative integer token count'],
    [{ 'gen_ai.usage.input_tokens': true }, 'span b7ad6b7169203331: gen_ai.usage.input_tokens is true, not a non-negative integer token count'],
    [
      { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.cache_read.input_tokens': 80, 'gen_ai.usage.cache_creation.input_tokens': 30 },
      'span b7ad6b7169203331: cache tokens (read 80, write 30) exceed input tokens 100',
    ],
    [
      { 'gen_ai.usage.output_tokens': 10, 'gen_ai.usage.reasoning.output_tokens': 11 },
      'span b7ad6b7169203331: reasoning tokens 11 exceed output tokens 10',
    ],
  ])('rejects malformed usage %j', (tokens, message) => {
    const span = buildSpan({ attributes: { 'gen_ai.operation.name': 'chat', ...tokens } });
    expect(normalizeSpan(span, options)).toEqual({ kind: 'rejected', message });
  });

  it('adds reasoning to output when the total shows output left it out (§9 rule 9)', () => {
    const span = buildSpan({
      attributes: {
        'gen_ai.operation.name': 'generate_content',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 50,
        'gen_ai.usage.reasoning_tokens': 30,
        'gen_ai.usage.total_tokens': 180,
      },
    });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.usage).toEqual(usage({ inputTokens: 100, outputTokens: 80, reasoningTokens: 30 }));
  });

  it('bills an aws-sdk InvokeModel span, which has usage but no operation name', () => {
    const span = buildSpan({
      name: 'BedrockRuntime.InvokeModel',
      scope: '@opentelemetry/instrumentation-aws-sdk',
      attributes: {
        'gen_ai.system': 'aws.bedrock',
        'gen_ai.request.model': 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
        'gen_ai.usage.input_tokens': 320,
        'gen_ai.usage.output_tokens': 45,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'aws.bedrock',
        requestModel: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
        usage: usage({ inputTokens: 320, outputTokens: 45 }),
        dialect: 'otel-genai',
        scopeName: '@opentelemetry/instrumentation-aws-sdk',
      }),
    );
  });

  it('flags aws-sdk Cohere/Mistral InvokeModel input as estimated (ceil(chars/6)), but not Converse', () => {
    const invoke = buildSpan({
      name: 'BedrockRuntime.InvokeModel',
      scope: '@opentelemetry/instrumentation-aws-sdk',
      attributes: { 'gen_ai.system': 'aws.bedrock', 'gen_ai.request.model': 'cohere.command-r-plus-v1:0', 'gen_ai.usage.input_tokens': 17, 'gen_ai.usage.output_tokens': 64 },
    });
    const converse = buildSpan({
      name: 'chat mistral.mistral-large-2407-v1:0',
      scope: '@opentelemetry/instrumentation-aws-sdk',
      attributes: {
        'gen_ai.system': 'aws.bedrock',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'mistral.mistral-large-2407-v1:0',
        'gen_ai.usage.input_tokens': 30,
        'gen_ai.usage.output_tokens': 5,
      },
    });
    expect([invoke, converse].map((span) => normalizeSpan(span, options))).toEqual([
      expectedCall({
        provider: 'aws.bedrock',
        requestModel: 'cohere.command-r-plus-v1:0',
        usage: usage({ inputTokens: 17, outputTokens: 64 }),
        estimated: true,
        dialect: 'otel-genai',
        scopeName: '@opentelemetry/instrumentation-aws-sdk',
      }),
      expectedCall({
        provider: 'aws.bedrock',
        requestModel: 'mistral.mistral-large-2407-v1:0',
        usage: usage({ inputTokens: 30, outputTokens: 5 }),
        dialect: 'otel-genai',
        scopeName: '@opentelemetry/instrumentation-aws-sdk',
      }),
    ]);
  });

  it('takes the operation from a semconv span name when the attribute is missing', () => {
    const span = buildSpan({ name: 'embeddings text-embedding-3-small', attributes: { 'gen_ai.request.model': 'text-embedding-3-small' } });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({ provider: 'openai', operation: 'embeddings', requestModel: 'text-embedding-3-small', dialect: 'otel-genai' }),
    );
  });

  it('records failures with their error.type, or _OTHER when the status alone says error', () => {
    const typed = buildSpan({ statusCode: 2, attributes: { 'gen_ai.operation.name': 'chat', 'error.type': '429' } });
    const untyped = buildSpan({ statusCode: 2, attributes: { 'gen_ai.operation.name': 'chat' } });
    const typedOnly = buildSpan({ attributes: { 'gen_ai.operation.name': 'chat', 'error.type': 'timeout' } });
    expect([typed, untyped, typedOnly].map((span) => normalizeSpan(span, options))).toEqual([
      expectedCall({ status: 'error', errorType: '429', dialect: 'otel-genai' }),
      expectedCall({ status: 'error', errorType: '_OTHER', dialect: 'otel-genai' }),
      expectedCall({ status: 'error', errorType: 'timeout', dialect: 'otel-genai' }),
    ]);
  });

  it.each([
    [{ 'openai.response.service_tier': 'flex', 'openai.request.service_tier': 'auto' }, 'flex'],
    [{ 'openai.response.service_tier': 'default' }, 'standard'],
    [{ 'gen_ai.openai.request.service_tier': 'priority' }, 'priority'],
    [{ 'openai.request.service_tier': 'auto' }, ''],
  ])('reads the service tier from %j', (tier, expected) => {
    const span = buildSpan({ attributes: { 'gen_ai.operation.name': 'chat', ...tier } });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.serviceTier).toBe(expected);
  });
});
