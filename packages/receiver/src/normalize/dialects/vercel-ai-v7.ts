/**
 * AI SDK 7 `@ai-sdk/otel` OpenTelemetry integration, tracer `gen_ai` (reference §5.2). Semconv keys,
 * cache-inclusive input (v6+ usage semantics), but: the root `invoke_agent {model}` span carries the
 * totals of its `chat` children and `agent_step` spans repeat them, so only `chat` / `embeddings`
 * are billed; reasoning appears only as `ai.usage.outputTokenDetails.reasoningTokens`; and the SDK
 * maps `@ai-sdk/azure` (Azure OpenAI) to `azure.ai.inference`, which we map back (§9 rule 5).
 */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { readString, TokenReader } from '../attribute-values.js';
import { type DialectRule, type Extraction, finishCall } from '../dialect-rule.js';
import { genAiModels, genAiOperation, genAiProviderName, hasUsage, readGenAiTokens } from '../genai-keys.js';
import { NOT_MODEL_CALL } from '../outcomes.js';
import { canonicalProvider } from '../provider-aliases.js';

const SCOPE = 'gen_ai';
const AI_SDK_REASONING_KEYS = ['ai.usage.outputTokenDetails.reasoningTokens'] as const;

function v7Provider(raw: string): string {
  return raw === 'azure.ai.inference' ? 'azure.ai.openai' : canonicalProvider(raw);
}

function extract(span: DecodedSpan): Extraction {
  const attributes = span.attributes;
  const reader = new TokenReader(attributes);
  const tokens = readGenAiTokens(reader);
  tokens.reasoning ??= reader.first(AI_SDK_REASONING_KEYS);
  const operation = genAiOperation(span, hasUsage(tokens));
  if (operation === undefined) return NOT_MODEL_CALL;
  return finishCall(span, {
    provider: v7Provider(genAiProviderName(attributes)),
    operation,
    ...genAiModels(attributes),
    tokens,
    semantics: { inputIncludesCache: true, outputIncludesReasoning: true },
    tokenError: reader.error,
  });
}

export const vercelAiV7Dialect: DialectRule = {
  name: 'vercel-ai-v7',
  byScope: (span) => span.scope.name === SCOPE,
  // Per span, only the step span is unmistakable (§9 rule 1); its chat siblings under a custom
  // tracer read correctly as generic semconv, bar the Azure naming.
  byAttributes: (span) => readString(span.attributes, 'gen_ai.operation.name') === 'agent_step',
  extract,
};
