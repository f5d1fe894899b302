import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { buildSpan, expectedCall, usage } from '../testing/span-builder.js';

const options = { extraClientKeys: [] };
const OPENAI_SCOPE = '@arizeai/openinference-instrumentation-openai';

describe('openinference dialect', () => {
  it('bills an OpenAI LLM span: prompt is inclusive of the cache_read detail', () => {
    const span = buildSpan({
      name: 'OpenAI Chat Completions',
      kind: 1,
      scope: OPENAI_SCOPE,
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.provider': 'openai',
        'llm.system': 'openai',
        'llm.model_name': 'gpt-4o-2024-08-06',
        'llm.token_count.prompt': 3000,
        'llm.token_count.completion': 400,
        'llm.token_count.total': 3400,
        'llm.token_count.prompt_details.cache_read': 2048,
        'llm.token_count.completion_details.reasoning': 0,
        'user.id': 'u-17',
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        requestModel: 'gpt-4o-2024-08-06',
        responseModel: 'gpt-4o-2024-08-06',
        usage: usage({ inputTokens: 3000, cachedInputTokens: 2048, outputTokens: 400 }),
        attribution: { clientId: '', clientKey: '', project: '', feature: '', app: '', environment: '', userId: 'u-17', unitKind: '', unitId: '', tags: [] },
        dialect: 'openinference',
        scopeName: OPENAI_SCOPE,
      }),
    );
  });

  it('adds cache tokens to Anthropic prompt counts, which are raw cache-exclusive input_tokens', () => {
    const span = buildSpan({
      name: 'Anthropic Messages',
      kind: 1,
      scope: 'openinference.instrumentation.anthropic',
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.provider': 'anthropic',
        'llm.system': 'anthropic',
        'llm.model_name': 'claude-sonnet-4-20250514',
        'llm.token_count.prompt': 120,
        'llm.token_count.completion': 80,
        'llm.token_count.prompt_details.cache_read': 4000,
        'llm.token_count.prompt_details.cache_write': 300,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'anthropic',
        requestModel: 'claude-sonnet-4-20250514',
        responseModel: 'claude-sonnet-4-20250514',
        usage: usage({ inputTokens: 4420, cachedInputTokens: 4000, cacheWriteTokens: 300, outputTokens: 80 }),
        dialect: 'openinference',
        scopeName: 'openinference.instrumentation.anthropic',
      }),
    );
  });

  it('prefers the host from llm.provider (azure) over the API family in llm.system', () => {
    const span = buildSpan({
      scope: OPENAI_SCOPE,
      attributes: { 'openinference.span.kind': 'LLM', 'llm.provider': 'azure', 'llm.system': 'openai', 'llm.token_count.prompt': 10 },
    });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.provider).toBe('azure.ai.openai');
  });

  it('bills an EMBEDDING span and keeps llm.cost.total as the producer cost', () => {
    const span = buildSpan({
      name: 'OpenAI Embeddings',
      scope: OPENAI_SCOPE,
      attributes: {
        'openinference.span.kind': 'EMBEDDING',
        'llm.system': 'openai',
        'embedding.model_name': 'text-embedding-3-large',
        'llm.token_count.prompt': 64,
        'llm.token_count.total': 64,
        'llm.cost.total': 0.00000832,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        operation: 'embeddings',
        requestModel: 'text-embedding-3-large',
        responseModel: 'text-embedding-3-large',
        usage: usage({ inputTokens: 64 }),
        producerCostNanos: 8320n,
        dialect: 'openinference',
        scopeName: OPENAI_SCOPE,
      }),
    );
  });

  it('sums llm.cost.prompt and llm.cost.completion when no total is given', () => {
    const span = buildSpan({
      attributes: { 'openinference.span.kind': 'LLM', 'llm.token_count.prompt': 1, 'llm.cost.prompt': 0.0025, 'llm.cost.completion': 0.01 },
    });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.producerCostNanos).toBe(12_500_000n);
  });

  it('keeps an OpenAI chat stream (no token counts recorded) as unmetered', () => {
    const span = buildSpan({ scope: OPENAI_SCOPE, attributes: { 'openinference.span.kind': 'LLM', 'llm.provider': 'openai', 'llm.model_name': 'gpt-4o' } });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({ provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o', dialect: 'openinference', scopeName: OPENAI_SCOPE }),
    );
  });

  it.each(['AGENT', 'CHAIN', 'TOOL', 'RETRIEVER', 'RERANKER', 'GUARDRAIL'])('never bills a %s span', (kind) => {
    const span = buildSpan({ attributes: { 'openinference.span.kind': kind, 'llm.token_count.prompt': 999, 'llm.token_count.completion': 99 } });
    expect(normalizeSpan(span, options)).toEqual({ kind: 'ignored', reason: 'not_model_call' });
  });

  it('rejects a malformed token count', () => {
    const span = buildSpan({ attributes: { 'openinference.span.kind': 'LLM', 'llm.token_count.completion': -1 } });
    expect(normalizeSpan(span, options)).toEqual({
      kind: 'rejected',
      message: 'span b7ad6b7169203331: llm.token_count.completion is -1, not a non-negative integer token count',
    });
  });
});
