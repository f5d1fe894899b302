import { describe, expect, it } from 'vitest';
import { detectDialect } from './dialect-table.js';
import { normalizeSpan } from './normalize-span.js';
import { buildSpan, expectedCall, START, usage } from './testing/span-builder.js';

const options = { extraClientKeys: [] };

describe('normalizeSpan', () => {
  it('carries ids, timing and attribution into the call', () => {
    const span = buildSpan({
      spanId: '00f067aa0ba902b7',
      parentSpanId: '53995c3f42cd8ad8',
      end: START + 2_345_678_901n,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 3, 'tokenledger.client.id': 'acme' },
      resource: { 'service.name': 'api', 'tokenledger.tag.tier': 'gold' },
    });
    expect(normalizeSpan(span, options)).toEqual(
      expectedCall({
        spanId: '00f067aa0ba902b7',
        parentSpanId: '53995c3f42cd8ad8',
        durationMs: 2345.678,
        attribution: { clientId: 'acme', clientKey: 'tokenledger.client.id', project: '', feature: '', app: 'api', environment: '', userId: '', unitKind: '', unitId: '', tags: [['tier', 'gold']] },
        usage: usage({ inputTokens: 3 }),
        dialect: 'otel-genai',
      }),
    );
  });

  it('gives a zero duration to a span whose clock ran backwards', () => {
    const span = buildSpan({ end: START - 1n, attributes: { 'gen_ai.operation.name': 'chat' } });
    const outcome = normalizeSpan(span, options);
    expect(outcome.kind === 'call' && outcome.call.durationMs).toBe(0);
  });
});

describe('dialect detection (§9 rule 1)', () => {
  it.each([
    ['ai', { 'gen_ai.operation.name': 'chat' }, 'vercel-ai'],
    ['gen_ai', { 'gen_ai.operation.name': 'chat' }, 'vercel-ai-v7'],
    ['@arizeai/openinference-instrumentation-anthropic', {}, 'openinference'],
    ['@traceloop/instrumentation-openai', { 'llm.request.type': 'chat' }, 'openllmetry-legacy'],
    ['@traceloop/instrumentation-openai', { 'gen_ai.operation.name': 'chat' }, 'openllmetry'],
    ['openlit', {}, 'openlit'],
    ['@opentelemetry/instrumentation-openai', {}, 'otel-openai-contrib'],
    ['langfuse-sdk', {}, 'langfuse'],
  ])('claims scope %s by name first', (scope, attributes, dialect) => {
    expect(detectDialect(buildSpan({ scope, attributes }))?.name).toBe(dialect);
  });

  it('lets the scope win over a conflicting fingerprint', () => {
    const span = buildSpan({ scope: '@opentelemetry/instrumentation-openai', attributes: { 'langfuse.observation.type': 'generation', 'openinference.span.kind': 'LLM' } });
    expect(detectDialect(span)?.name).toBe('otel-openai-contrib');
  });

  it.each([
    [{ 'ai.operationId': 'ai.generateText.doGenerate', 'traceloop.association.properties.customer_id': 'x', 'gen_ai.usage.input_tokens': 1 }, 'vercel-ai'],
    [{ 'gen_ai.operation.name': 'agent_step' }, 'vercel-ai-v7'],
    [{ 'openinference.span.kind': 'LLM', 'gen_ai.usage.input_tokens': 1 }, 'openinference'],
    [{ 'llm.usage.total_tokens': 5 }, 'openllmetry-legacy'],
    [{ 'traceloop.entity.name': 'step' }, 'openllmetry'],
    [{ 'telemetry.sdk.name': 'openlit', 'gen_ai.operation.name': 'chat' }, 'openlit'],
    [{ 'langfuse.observation.usage_details': '{}', 'gen_ai.operation.name': 'chat' }, 'langfuse'],
    [{ 'gen_ai.request.model': 'm' }, 'otel-genai'],
  ])('falls back to fingerprint %j -> %s', (attributes, dialect) => {
    expect(detectDialect(buildSpan({ scope: 'unknown-scope', attributes }))?.name).toBe(dialect);
  });

  it('claims nothing for plain spans, even ones with TokenLedger attribution', () => {
    expect(detectDialect(buildSpan({ scope: '@opentelemetry/instrumentation-http', attributes: { 'tokenledger.client.id': 'acme' } }))).toBeUndefined();
  });
});
