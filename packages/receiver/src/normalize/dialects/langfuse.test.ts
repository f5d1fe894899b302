import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { buildSpan, expectedCall, usage } from '../testing/span-builder.js';

const options = { extraClientKeys: ['langfuse.trace.metadata.client'] };

describe('langfuse dialect', () => {
  it('adds cache and reasoning back to usage_details input/output, which Langfuse stores without them', () => {
    const span = buildSpan({
      name: 'summarize',
      scope: 'langfuse-sdk',
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'claude-sonnet-4-5-20250929',
        'langfuse.observation.usage_details': JSON.stringify({
          input: 200,
          output: 110,
          input_cached_tokens: 2000,
          input_cache_creation: 400,
          output_reasoning_tokens: 40,
          total: 2750,
        }),
        'langfuse.observation.cost_details': JSON.stringify({ input: 0.0027, output: 0.00225, total: 0.00495 }),
        'langfuse.trace.metadata.client': 'acme',
        'user.id': 'u-9',
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'anthropic',
        requestModel: 'claude-sonnet-4-5-20250929',
        responseModel: 'claude-sonnet-4-5-20250929',
        usage: usage({ inputTokens: 2600, cachedInputTokens: 2000, cacheWriteTokens: 400, outputTokens: 150, reasoningTokens: 40 }),
        producerCostNanos: 4_950_000n,
        attribution: { clientId: 'acme', clientKey: 'langfuse.trace.metadata.client', project: '', feature: '', app: '', environment: '', userId: 'u-9', unitKind: '', unitId: '', tags: [] },
        dialect: 'langfuse',
        scopeName: 'langfuse-sdk',
      }),
    );
  });

  it('splits 5-minute and 1-hour cache writes', () => {
    const span = buildSpan({
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.usage_details': '{"input":10,"output":5,"input_cache_creation":500,"input_cache_creation_5m":200,"input_cache_creation_1h":300}',
      },
    });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.usage).toEqual(usage({ inputTokens: 510, cacheWriteTokens: 200, cacheWrite1hTokens: 300, outputTokens: 5 }));
  });

  it('reads OpenAI-shaped usage_details as inclusive', () => {
    const span = buildSpan({
      attributes: {
        'langfuse.observation.type': 'generation',
        'gen_ai.request.model': 'gpt-4.1',
        'langfuse.observation.usage_details': '{"prompt_tokens":1000,"completion_tokens":90,"total_tokens":1090,"prompt_tokens_details":{"cached_tokens":640},"completion_tokens_details":{"reasoning_tokens":30}}',
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        requestModel: 'gpt-4.1',
        usage: usage({ inputTokens: 1000, cachedInputTokens: 640, outputTokens: 90, reasoningTokens: 30 }),
        dialect: 'langfuse',
      }),
    );
  });

  it('bills an embedding observation from semconv keys when no usage_details is given', () => {
    const span = buildSpan({
      attributes: { 'langfuse.observation.type': 'embedding', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 44 },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({ provider: 'openai', operation: 'embeddings', requestModel: 'text-embedding-3-small', usage: usage({ inputTokens: 44 }), dialect: 'langfuse' }),
    );
  });

  it('treats a span with only a model name as a generation (Langfuse mapper priority 0)', () => {
    const span = buildSpan({ attributes: { 'langfuse.observation.model.name': 'gpt-4o-mini' } });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({ provider: 'openai', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini', dialect: 'langfuse' }),
    );
  });

  it.each(['span', 'event', 'agent', 'tool', 'chain', 'retriever', 'guardrail', 'evaluator'])('never bills a %s observation', (type) => {
    const span = buildSpan({ attributes: { 'langfuse.observation.type': type, 'langfuse.observation.usage_details': 'not json' } });
    expect(normalizeSpan(span, options)).toEqual({ kind: 'ignored', reason: 'not_model_call' });
  });

  it('rejects usage_details that is not a JSON object, and bad counts inside it', () => {
    const broken = buildSpan({ attributes: { 'langfuse.observation.type': 'generation', 'langfuse.observation.usage_details': '[1,2]' } });
    const negative = buildSpan({ attributes: { 'langfuse.observation.type': 'generation', 'langfuse.observation.usage_details': '{"input":-4}' } });
    expect([broken, negative].map((span) => normalizeSpan(span, options))).toEqual([
      { kind: 'rejected', message: 'span b7ad6b7169203331: langfuse.observation.usage_details is not a JSON object' },
      { kind: 'rejected', message: 'span b7ad6b7169203331: langfuse.observation.usage_details.input is -4, not a non-negative integer token count' },
    ]);
  });
});
