import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { buildSpan, expectedCall, usage } from '../testing/span-builder.js';

const options = { extraClientKeys: [] };

function aiSpan(operationId: string, attributes: Record<string, string | number>) {
  return buildSpan({ name: operationId, kind: 1, scope: 'ai', attributes: { 'ai.operationId': operationId, ...attributes } });
}

describe('vercel-ai dialect (legacy ai.* telemetry)', () => {
  it('bills a v6 doGenerate step: inputTokenDetails present, so input already includes cache', () => {
    const span = aiSpan('ai.generateText.doGenerate', {
      'operation.name': 'ai.generateText.doGenerate support-bot',
      'ai.model.provider': 'anthropic.messages',
      'gen_ai.system': 'anthropic.messages',
      'ai.model.id': 'claude-sonnet-4-5',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
      'ai.response.model': 'claude-sonnet-4-5-20250929',
      'ai.response.id': 'msg_01AbC',
      'ai.usage.inputTokens': 2600,
      'ai.usage.inputTokenDetails.noCacheTokens': 200,
      'ai.usage.inputTokenDetails.cacheReadTokens': 2000,
      'ai.usage.inputTokenDetails.cacheWriteTokens': 400,
      'ai.usage.outputTokens': 150,
      'ai.usage.outputTokenDetails.textTokens': 110,
      'ai.usage.outputTokenDetails.reasoningTokens': 40,
      'ai.usage.totalTokens': 2750,
      'gen_ai.usage.input_tokens': 2600,
      'gen_ai.usage.output_tokens': 150,
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'anthropic',
        requestModel: 'claude-sonnet-4-5',
        responseModel: 'claude-sonnet-4-5-20250929',
        responseId: 'msg_01AbC',
        usage: usage({ inputTokens: 2600, cachedInputTokens: 2000, cacheWriteTokens: 400, outputTokens: 150, reasoningTokens: 40 }),
        dialect: 'vercel-ai',
        scopeName: 'ai',
      }),
    );
  });

  it.each(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.embedMany', 'ai.toolCall'])(
    'never bills %s, whose usage is the sum of its steps',
    (operationId) => {
      const span = aiSpan(operationId, { 'ai.model.provider': 'openai.chat', 'ai.usage.inputTokens': 5000, 'ai.usage.outputTokens': 900 });
      expect(normalizeSpan(span, options)).toEqual({ kind: 'ignored', reason: 'not_model_call' });
    },
  );

  it('adds cache to v5 Anthropic input, reading cache writes and their 1h split from providerMetadata', () => {
    const metadata = {
      anthropic: {
        cacheCreationInputTokens: 400,
        usage: { input_tokens: 200, cache_read_input_tokens: 2000, cache_creation_input_tokens: 400, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 300 } },
      },
    };
    const span = aiSpan('ai.streamText.doStream', {
      'ai.model.provider': 'anthropic.messages',
      'ai.model.id': 'claude-3-7-sonnet-20250219',
      'ai.usage.inputTokens': 200,
      'ai.usage.cachedInputTokens': 2000,
      'ai.usage.outputTokens': 150,
      'ai.usage.totalTokens': 350,
      'ai.response.providerMetadata': JSON.stringify(metadata),
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'anthropic',
        requestModel: 'claude-3-7-sonnet-20250219',
        usage: usage({ inputTokens: 2600, cachedInputTokens: 2000, cacheWriteTokens: 100, cacheWrite1hTokens: 300, outputTokens: 150 }),
        dialect: 'vercel-ai',
        scopeName: 'ai',
      }),
    );
  });

  it('adds thoughts to v5 Google output, which excludes them', () => {
    const span = aiSpan('ai.generateText.doGenerate', {
      'ai.model.provider': 'google.generative-ai',
      'ai.model.id': 'gemini-2.5-pro',
      'ai.usage.inputTokens': 1000,
      'ai.usage.cachedInputTokens': 600,
      'ai.usage.outputTokens': 200,
      'ai.usage.reasoningTokens': 300,
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'gcp.gemini',
        requestModel: 'gemini-2.5-pro',
        usage: usage({ inputTokens: 1000, cachedInputTokens: 600, outputTokens: 500, reasoningTokens: 300 }),
        dialect: 'vercel-ai',
        scopeName: 'ai',
      }),
    );
  });

  it('reads v4 OpenAI cache reads from providerMetadata, inside the inclusive promptTokens', () => {
    const span = aiSpan('ai.generateText.doGenerate', {
      'ai.model.provider': 'openai.chat',
      'gen_ai.system': 'openai.chat',
      'ai.model.id': 'gpt-4o',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.id': 'chatcmpl-77',
      'ai.usage.promptTokens': 1000,
      'ai.usage.completionTokens': 50,
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 50,
      'ai.response.providerMetadata': '{"openai":{"cachedPromptTokens":768,"reasoningTokens":0}}',
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        responseId: 'chatcmpl-77',
        usage: usage({ inputTokens: 1000, cachedInputTokens: 768, outputTokens: 50 }),
        dialect: 'vercel-ai',
        scopeName: 'ai',
      }),
    );
  });

  it('bills doEmbed from ai.usage.tokens', () => {
    const span = aiSpan('ai.embedMany.doEmbed', { 'ai.model.provider': 'openai.embedding', 'ai.model.id': 'text-embedding-3-small', 'ai.usage.tokens': 20 });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        operation: 'embeddings',
        requestModel: 'text-embedding-3-small',
        usage: usage({ inputTokens: 20 }),
        dialect: 'vercel-ai',
        scopeName: 'ai',
      }),
    );
  });

  it('bills the Traceloop-rewritten child by ai.operationId, not the renamed span, and skips its twin root', () => {
    const shared = { 'gen_ai.provider.name': 'openai', 'gen_ai.system': 'openai.chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 300, 'gen_ai.usage.output_tokens': 20, 'gen_ai.usage.total_tokens': 320 };
    const root = buildSpan({ name: 'chat gpt-4o', scope: 'ai', attributes: { 'ai.operationId': 'ai.streamText', ...shared } });
    const child = buildSpan({ name: 'chat gpt-4o', scope: 'ai', attributes: { 'ai.operationId': 'ai.streamText.doStream', ...shared } });
    expect([root, child].map((span) => normalizeSpan(span, options))).toEqual([
      { kind: 'ignored', reason: 'not_model_call' },
      expectedCall({ provider: 'openai', requestModel: 'gpt-4o', usage: usage({ inputTokens: 300, outputTokens: 20 }), dialect: 'vercel-ai', scopeName: 'ai' }),
    ]);
  });

  it('keeps the AI Gateway as the provider', () => {
    const span = aiSpan('ai.generateText.doGenerate', { 'ai.model.provider': 'gateway', 'ai.model.id': 'openai/gpt-5.4', 'ai.usage.inputTokens': 10, 'ai.usage.outputTokens': 2 });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && [outcome.call.provider, outcome.call.requestModel]).toEqual(['gateway', 'openai/gpt-5.4']);
  });

  it('rejects a malformed count inside providerMetadata', () => {
    const span = aiSpan('ai.generateText.doGenerate', {
      'ai.model.provider': 'anthropic.messages',
      'ai.usage.inputTokens': 10,
      'ai.response.providerMetadata': '{"anthropic":{"cacheCreationInputTokens":-3}}',
    });
    expect(normalizeSpan(span, options)).toEqual({
      kind: 'rejected',
      message: 'span b7ad6b7169203331: ai.response.providerMetadata anthropic.cacheCreationInputTokens is -3, not a non-negative integer token count',
    });
  });
});

describe('vercel-ai-v7 dialect (@ai-sdk/otel OpenTelemetry)', () => {
  const v7 = (name: string, kind: number, attributes: Record<string, string | number>) => buildSpan({ name, kind, scope: 'gen_ai', attributes });

  it('bills the chat span, with reasoning from ai.usage.outputTokenDetails', () => {
    const span = v7('chat claude-sonnet-4-5', 3, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
      'gen_ai.response.id': 'msg_01V7',
      'gen_ai.usage.input_tokens': 2600,
      'gen_ai.usage.output_tokens': 150,
      'gen_ai.usage.cache_read.input_tokens': 2000,
      'gen_ai.usage.cache_creation.input_tokens': 400,
      'ai.usage.outputTokenDetails.reasoningTokens': 40,
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'anthropic',
        requestModel: 'claude-sonnet-4-5',
        responseModel: 'claude-sonnet-4-5-20250929',
        responseId: 'msg_01V7',
        usage: usage({ inputTokens: 2600, cachedInputTokens: 2000, cacheWriteTokens: 400, outputTokens: 150, reasoningTokens: 40 }),
        dialect: 'vercel-ai-v7',
        scopeName: 'gen_ai',
      }),
    );
  });

  it('never bills the invoke_agent root (totals) or agent_step spans', () => {
    const root = v7('invoke_agent claude-sonnet-4-5', 1, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 5200, 'gen_ai.usage.output_tokens': 300 });
    const step = v7('step 1', 1, { 'gen_ai.operation.name': 'agent_step' });
    expect([root, step].map((span) => normalizeSpan(span, options))).toEqual([
      { kind: 'ignored', reason: 'not_model_call' },
      { kind: 'ignored', reason: 'not_model_call' },
    ]);
  });

  it('maps its azure.ai.inference (what @ai-sdk/azure becomes) back to Azure OpenAI', () => {
    const span = v7('chat gpt-4o', 3, { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'azure.ai.inference', 'gen_ai.usage.input_tokens': 9 });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.provider).toBe('azure.ai.openai');
  });

  it('bills embeddings and recognises agent_step under a custom tracer name', () => {
    const embed = v7('embeddings text-embedding-3-small', 3, { 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai', 'gen_ai.usage.input_tokens': 33 });
    const step = buildSpan({ name: 'step 2', scope: 'my-tracer', attributes: { 'gen_ai.operation.name': 'agent_step', 'gen_ai.usage.input_tokens': 33 } });
    const outcomes = [embed, step].map((span) => normalizeSpan(span, options));
    expect(outcomes[0]).toEqual(
      expectedCall({ provider: 'openai', operation: 'embeddings', usage: usage({ inputTokens: 33 }), dialect: 'vercel-ai-v7', scopeName: 'gen_ai' }),
    );
    expect(outcomes[1]).toEqual({ kind: 'ignored', reason: 'not_model_call' });
  });
});
