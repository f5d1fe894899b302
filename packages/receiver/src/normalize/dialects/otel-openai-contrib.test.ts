import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { buildSpan, expectedCall, usage } from '../testing/span-builder.js';

const options = { extraClientKeys: [] };
const SCOPE = '@opentelemetry/instrumentation-openai';

describe('otel-openai-contrib dialect (@opentelemetry/instrumentation-openai 0.19)', () => {
  it('bills a Chat Completions span: legacy gen_ai.system, no cached tokens reported', () => {
    const span = buildSpan({
      name: 'chat gpt-4o-mini',
      scope: SCOPE,
      attributes: {
        'gen_ai.system': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.response.id': 'chatcmpl-9xYz',
        'gen_ai.usage.input_tokens': 2048,
        'gen_ai.usage.output_tokens': 128,
        'server.address': 'api.openai.com',
        'server.port': 443,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        responseModel: 'gpt-4o-mini-2024-07-18',
        responseId: 'chatcmpl-9xYz',
        usage: usage({ inputTokens: 2048, outputTokens: 128 }),
        dialect: 'otel-openai-contrib',
        scopeName: SCOPE,
      }),
    );
  });

  it('bills a Responses API span, which uses gen_ai.provider.name', () => {
    const span = buildSpan({
      name: 'chat o4-mini',
      scope: SCOPE,
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'o4-mini',
        'gen_ai.response.model': 'o4-mini-2025-04-16',
        'gen_ai.response.id': 'resp_68a1',
        'gen_ai.usage.input_tokens': 900,
        'gen_ai.usage.output_tokens': 1400,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        requestModel: 'o4-mini',
        responseModel: 'o4-mini-2025-04-16',
        responseId: 'resp_68a1',
        usage: usage({ inputTokens: 900, outputTokens: 1400 }),
        dialect: 'otel-openai-contrib',
        scopeName: SCOPE,
      }),
    );
  });

  it('keeps a chat stream read without include_usage as unmetered', () => {
    const span = buildSpan({
      name: 'chat gpt-4o',
      scope: SCOPE,
      attributes: { 'gen_ai.system': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.request.stream': true },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({ provider: 'openai', requestModel: 'gpt-4o', usage: null, dialect: 'otel-openai-contrib', scopeName: SCOPE }),
    );
  });

  it('bills an embeddings span', () => {
    const span = buildSpan({
      name: 'embeddings text-embedding-3-small',
      scope: SCOPE,
      attributes: {
        'gen_ai.system': 'openai',
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.request.model': 'text-embedding-3-small',
        'gen_ai.response.model': 'text-embedding-3-small',
        'gen_ai.usage.input_tokens': 12,
      },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        provider: 'openai',
        operation: 'embeddings',
        requestModel: 'text-embedding-3-small',
        responseModel: 'text-embedding-3-small',
        usage: usage({ inputTokens: 12 }),
        dialect: 'otel-openai-contrib',
        scopeName: SCOPE,
      }),
    );
  });

  it.each([
    ['my-resource.openai.azure.com', 'azure.ai.openai'],
    ['my-resource.cognitiveservices.azure.com', 'azure.ai.openai'],
    ['generativelanguage.googleapis.com', 'gcp.gemini'],
    ['api.groq.com', 'groq'],
    ['api.deepseek.com', 'deepseek'],
    ['localhost', 'openai'],
  ])('reports the host %s, not the client library, as provider: %s', (host, provider) => {
    const span = buildSpan({
      scope: SCOPE,
      attributes: { 'gen_ai.system': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 1, 'server.address': host },
    });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.provider).toBe(provider);
  });
});
