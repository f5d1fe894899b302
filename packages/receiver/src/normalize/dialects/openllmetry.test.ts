import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { buildSpan, expectedCall, usage } from '../testing/span-builder.js';

const options = { extraClientKeys: [] };

describe('openllmetry dialect (Traceloop v0.23+)', () => {
  it('bills Anthropic input as reported: already input + cache read + cache creation', () => {
    const span = buildSpan({
      name: 'chat claude-3-7-sonnet-latest',
      scope: '@traceloop/instrumentation-anthropic',
      attributes: {
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'claude-3-7-sonnet-latest',
        'gen_ai.response.model': 'claude-3-7-sonnet-20250219',
        'gen_ai.response.id': 'msg_01XFDUDYJgAACzvnptvVoYEL',
        'gen_ai.usage.input_tokens': 2600,
        'gen_ai.usage.output_tokens': 150,
        'gen_ai.usage.total_tokens': 2750,
        'gen_ai.usage.cache_read.input_tokens': 2000,
        'gen_ai.usage.cache_creation.input_tokens': 400,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'anthropic',
        requestModel: 'claude-3-7-sonnet-latest',
        responseModel: 'claude-3-7-sonnet-20250219',
        responseId: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        usage: usage({ inputTokens: 2600, cachedInputTokens: 2000, cacheWriteTokens: 400, outputTokens: 150 }),
        dialect: 'openllmetry',
        scopeName: '@traceloop/instrumentation-anthropic',
      }),
    );
  });

  it('adds google-generativeai thoughts (gen_ai.usage.reasoning_tokens) to output', () => {
    const span = buildSpan({
      name: 'generate_content gemini-2.5-flash',
      scope: '@traceloop/instrumentation-google-generativeai',
      attributes: {
        'gen_ai.provider.name': 'gcp.gen_ai',
        'gen_ai.operation.name': 'generate_content',
        'gen_ai.request.model': 'gemini-2.5-flash',
        'gen_ai.response.model': 'gemini-2.5-flash-preview-05-20',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 200,
        'gen_ai.usage.reasoning_tokens': 300,
        'gen_ai.usage.total_tokens': 1500,
        'gen_ai.usage.cache_read.input_tokens': 600,
        'server.address': 'generativelanguage.googleapis.com',
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'gcp.gemini',
        operation: 'generate_content',
        requestModel: 'gemini-2.5-flash',
        responseModel: 'gemini-2.5-flash-preview-05-20',
        usage: usage({ inputTokens: 1000, cachedInputTokens: 600, outputTokens: 500, reasoningTokens: 300 }),
        dialect: 'openllmetry',
        scopeName: '@traceloop/instrumentation-google-generativeai',
      }),
    );
  });

  it('leaves OpenAI reasoning_tokens inside output: only Gemini output leaves thoughts out', () => {
    const span = buildSpan({
      scope: '@traceloop/instrumentation-openai',
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 500,
        'gen_ai.usage.reasoning_tokens': 300,
        'gen_ai.usage.total_tokens': 600,
      },
    });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.usage).toEqual(usage({ inputTokens: 100, outputTokens: 500, reasoningTokens: 300 }));
  });

  it('keeps gcp.gen_ai when no host says which Google endpoint served the call', () => {
    const span = buildSpan({
      scope: '@traceloop/instrumentation-google-generativeai',
      attributes: { 'gen_ai.provider.name': 'gcp.gen_ai', 'gen_ai.operation.name': 'generate_content', 'gen_ai.usage.input_tokens': 3 },
    });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.provider).toBe('gcp.gen_ai');
  });

  it('flags streamed OpenAI chat counts as estimated: they can only come from enrichTokens/tiktoken', () => {
    const span = buildSpan({
      name: 'chat gpt-4o',
      scope: '@traceloop/instrumentation-openai',
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'llm.is_streaming': true,
        'gen_ai.usage.input_tokens': 41,
        'gen_ai.usage.output_tokens': 230,
        'gen_ai.usage.total_tokens': 271,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        requestModel: 'gpt-4o',
        usage: usage({ inputTokens: 41, outputTokens: 230 }),
        estimated: true,
        dialect: 'openllmetry',
        scopeName: '@traceloop/instrumentation-openai',
      }),
    );
  });

  it.each(['workflow', 'task', 'agent', 'tool'])('never bills a %s decorator span', (kind) => {
    const span = buildSpan({
      name: `summarize.${kind}`,
      scope: '@traceloop/node-server-sdk',
      attributes: { 'traceloop.span.kind': kind, 'traceloop.entity.name': 'summarize', 'gen_ai.usage.input_tokens': 900 },
    });
    expect(normalizeSpan(span, options)).toEqual({ kind: 'ignored', reason: 'not_model_call' });
  });

  it('recognises decorator spans by fingerprint when the scope is unknown', () => {
    const span = buildSpan({ scope: 'my-app', attributes: { 'traceloop.span.kind': 'workflow', 'traceloop.workflow.name': 'ingest' } });
    expect(normalizeSpan(span, options)).toEqual({ kind: 'ignored', reason: 'not_model_call' });
  });

  it('ignores a non-LLM Traceloop instrumentation span (vector DB)', () => {
    const span = buildSpan({ name: 'pinecone.query', scope: '@traceloop/instrumentation-pinecone', attributes: { 'db.system': 'pinecone' } });
    expect(normalizeSpan(span, options)).toEqual({ kind: 'ignored', reason: 'not_model_call' });
  });
});

describe('openllmetry-legacy dialect (Traceloop <= v0.22 and today\'s vertexai)', () => {
  it('adds cache tokens to Anthropic prompt_tokens, which is raw cache-exclusive input_tokens', () => {
    const span = buildSpan({
      name: 'anthropic.chat',
      scope: '@traceloop/instrumentation-anthropic',
      attributes: {
        'gen_ai.system': 'Anthropic',
        'llm.request.type': 'chat',
        'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
        'gen_ai.response.model': 'claude-3-5-sonnet-20241022',
        'gen_ai.usage.prompt_tokens': 200,
        'gen_ai.usage.completion_tokens': 150,
        'gen_ai.usage.cache_read_input_tokens': 2000,
        'gen_ai.usage.cache_creation_input_tokens': 400,
        'llm.usage.total_tokens': 350,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'anthropic',
        requestModel: 'claude-3-5-sonnet-20241022',
        responseModel: 'claude-3-5-sonnet-20241022',
        usage: usage({ inputTokens: 2600, cachedInputTokens: 2000, cacheWriteTokens: 400, outputTokens: 150 }),
        dialect: 'openllmetry-legacy',
        scopeName: '@traceloop/instrumentation-anthropic',
      }),
    );
  });

  it('bills an OpenAI completion span with OpenAI\'s inclusive prompt_tokens', () => {
    const span = buildSpan({
      name: 'openai.completion',
      scope: '@traceloop/instrumentation-openai',
      attributes: {
        'gen_ai.system': 'OpenAI',
        'llm.request.type': 'completion',
        'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
        'gen_ai.usage.prompt_tokens': 12,
        'gen_ai.usage.completion_tokens': 40,
        'llm.usage.total_tokens': 52,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        operation: 'text_completion',
        requestModel: 'gpt-3.5-turbo-instruct',
        usage: usage({ inputTokens: 12, outputTokens: 40 }),
        dialect: 'openllmetry-legacy',
        scopeName: '@traceloop/instrumentation-openai',
      }),
    );
  });

  it('reads vertexai\'s "Google" as Vertex AI, with inclusive promptTokenCount', () => {
    const span = buildSpan({
      name: 'vertexai.completion',
      scope: '@traceloop/instrumentation-vertexai',
      attributes: {
        'gen_ai.system': 'Google',
        'llm.request.type': 'completion',
        'gen_ai.request.model': 'gemini-1.5-pro',
        'gen_ai.response.model': 'gemini-1.5-pro',
        'gen_ai.usage.prompt_tokens': 800,
        'gen_ai.usage.completion_tokens': 60,
        'gen_ai.usage.cache_read.input_tokens': 500,
        'llm.usage.total_tokens': 860,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'gcp.vertex_ai',
        operation: 'text_completion',
        requestModel: 'gemini-1.5-pro',
        responseModel: 'gemini-1.5-pro',
        usage: usage({ inputTokens: 800, cachedInputTokens: 500, outputTokens: 60 }),
        dialect: 'openllmetry-legacy',
        scopeName: '@traceloop/instrumentation-vertexai',
      }),
    );
  });

  it('maps Azure and AWS vendor strings, and treats raw Bedrock input as cache-exclusive', () => {
    const azure = buildSpan({ scope: '@traceloop/instrumentation-openai', attributes: { 'gen_ai.system': 'Azure', 'llm.request.type': 'chat', 'gen_ai.usage.prompt_tokens': 5 } });
    const bedrock = buildSpan({
      scope: '@traceloop/instrumentation-bedrock',
      attributes: { 'gen_ai.system': 'AWS', 'llm.request.type': 'completion', 'gen_ai.usage.prompt_tokens': 5, 'gen_ai.usage.cache_read_input_tokens': 10 },
    });
    const outcomes = [azure, bedrock].map((span) => normalizeSpan(span, options));
    expect(outcomes.map((o) => (o.kind === 'call' ? [o.call.provider, o.call.usage?.inputTokens] : o.kind))).toEqual([
      ['azure.ai.openai', 5],
      ['aws.bedrock', 15],
    ]);
  });

  it('does not bill rerank or unknown request types', () => {
    const spans = ['rerank', 'unknown'].map((type) =>
      buildSpan({ scope: '@traceloop/instrumentation-cohere', attributes: { 'llm.request.type': type, 'gen_ai.usage.prompt_tokens': 50 } }),
    );
    expect(spans.map((span) => normalizeSpan(span, options))).toEqual([
      { kind: 'ignored', reason: 'not_model_call' },
      { kind: 'ignored', reason: 'not_model_call' },
    ]);
  });

  it('recognises legacy spans by llm.request.type when the scope is unknown', () => {
    const span = buildSpan({ scope: 'custom', attributes: { 'gen_ai.system': 'OpenAI', 'llm.request.type': 'chat', 'gen_ai.usage.prompt_tokens': 3 } });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.dialect).toBe('openllmetry-legacy');
  });
});
