/**
 * normalizeSpan throughput per span shape (hot path: runs once per received span). Baseline: the
 * same loop doing only one attribute read per span, measured in the same run.
 */
import { normalizeSpan } from '../packages/receiver/src/normalize/index.js';
import { buildSpan } from '../packages/receiver/src/normalize/testing/span-builder.js';
import type { DecodedSpan } from '../packages/receiver/src/otlp/decoded-span.js';

const resource = { 'service.name': 'api', 'deployment.environment.name': 'production', 'tokenledger.client.id': 'acme' };
const shapes: Record<string, DecodedSpan> = {
  'http (not genai)': buildSpan({
    scope: '@opentelemetry/instrumentation-http',
    resource,
    attributes: { 'http.request.method': 'POST', 'url.path': '/v1/chat', 'http.response.status_code': 200, 'server.address': 'api.example.com' },
  }),
  'otel-genai chat': buildSpan({
    resource,
    attributes: {
      'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.id': 'chatcmpl-1', 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 300, 'gen_ai.usage.cache_read.input_tokens': 1000,
      'server.address': 'api.openai.com', 'tokenledger.feature': 'chat', 'tokenledger.tag.team': 'search',
    },
  }),
  'vercel-ai v6 doGenerate': buildSpan({
    scope: 'ai',
    resource,
    attributes: {
      'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.provider': 'anthropic.messages', 'ai.model.id': 'claude-sonnet-4-5',
      'ai.usage.inputTokens': 2600, 'ai.usage.inputTokenDetails.cacheReadTokens': 2000, 'ai.usage.inputTokenDetails.cacheWriteTokens': 400,
      'ai.usage.outputTokens': 150, 'ai.response.providerMetadata': '{"anthropic":{"cacheCreationInputTokens":400}}',
    },
  }),
  'openinference agent (ignored)': buildSpan({ resource, attributes: { 'openinference.span.kind': 'AGENT', 'llm.token_count.prompt': 9 } }),
  'langfuse usage_details (JSON)': buildSpan({
    resource,
    attributes: { 'langfuse.observation.type': 'generation', 'langfuse.observation.model.name': 'gpt-4o', 'langfuse.observation.usage_details': '{"input":200,"output":110,"input_cached_tokens":2000}' },
  }),
};

const options = { extraClientKeys: ['traceloop.association.properties.customer_id'] };
const ITERATIONS = 200_000;

function nsPerCall(fn: (span: DecodedSpan) => unknown, span: DecodedSpan): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += fn(span) === undefined ? 0 : 1; // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) sink += fn(span) === undefined ? 0 : 1;
  const elapsed = Number(process.hrtime.bigint() - start);
  if (sink < 0) console.log(sink);
  return elapsed / ITERATIONS;
}

export async function run(): Promise<void> {
  const baseline = (span: DecodedSpan) => span.attributes['gen_ai.operation.name'];
  console.log('| span shape | normalizeSpan ns/span | baseline (1 attribute read) ns/span |');
  console.log('|---|---:|---:|');
  for (const [label, span] of Object.entries(shapes)) {
    const measured = nsPerCall((s) => normalizeSpan(s, options), span);
    console.log(`| ${label} | ${measured.toFixed(0)} | ${nsPerCall(baseline, span).toFixed(1)} |`);
  }
}
