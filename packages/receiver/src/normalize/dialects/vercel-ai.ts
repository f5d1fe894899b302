/**
 * Vercel AI SDK legacy telemetry, tracer `ai` (reference §5.1; AI SDK 4-6 built in, 7 via
 * LegacyOpenTelemetry). The root `ai.generateText`/`ai.streamText` span holds the total of its steps,
 * so only `*.doGenerate`, `*.doStream` and `*.doEmbed` are billed, judged by `ai.operationId` because
 * the Traceloop SDK renames both root and child to `chat {model}` (§3.4).
 * Input semantics changed between majors (§5.1 table): v6+ (`ai.usage.inputTokenDetails.*` present)
 * is cache-inclusive everywhere; v4/v5 report Anthropic and Bedrock input without cache, and v5
 * Google output without thoughts.
 */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { firstString, readString, TokenReader } from '../attribute-values.js';
import type { RawTokens } from '../build-usage.js';
import { type DialectRule, type Extraction, finishCall } from '../dialect-rule.js';
import { CACHE_READ_KEYS, CACHE_WRITE_KEYS, hasAnyKey, INPUT_KEYS, OUTPUT_KEYS, REASONING_KEYS } from '../genai-keys.js';
import { NOT_MODEL_CALL } from '../outcomes.js';
import { canonicalAiSdkProvider } from '../provider-aliases.js';
import { addMetadataCacheTokens } from './vercel-provider-metadata.js';

const OPERATION_ID_KEY = 'ai.operationId';
const V6_DETAIL_KEYS = [
  'ai.usage.inputTokenDetails.noCacheTokens',
  'ai.usage.inputTokenDetails.cacheReadTokens',
  'ai.usage.inputTokenDetails.cacheWriteTokens',
  'ai.usage.outputTokenDetails.textTokens',
  'ai.usage.outputTokenDetails.reasoningTokens',
] as const;
const PROVIDER_KEYS = ['ai.model.provider', 'gen_ai.system', 'gen_ai.provider.name'] as const;
const REQUEST_MODEL_KEYS = ['gen_ai.request.model', 'ai.model.id'] as const;
const RESPONSE_MODEL_KEYS = ['gen_ai.response.model', 'ai.response.model'] as const;
// v4 generateObject.doGenerate wrote the deprecated gen_ai prompt/completion keys; the Traceloop SDK
// deletes ai.usage.* and leaves only gen_ai.usage.* (§3.4), hence the gen_ai fallbacks.
const CHAT_INPUT_KEYS = ['ai.usage.inputTokens', 'ai.usage.promptTokens', ...INPUT_KEYS] as const;
const EMBED_INPUT_KEYS = ['ai.usage.tokens', ...INPUT_KEYS] as const;
const CHAT_OUTPUT_KEYS = ['ai.usage.outputTokens', 'ai.usage.completionTokens', ...OUTPUT_KEYS] as const;
const CACHE_READ = ['ai.usage.inputTokenDetails.cacheReadTokens', 'ai.usage.cachedInputTokens', ...CACHE_READ_KEYS] as const;
const CACHE_WRITE = ['ai.usage.inputTokenDetails.cacheWriteTokens', ...CACHE_WRITE_KEYS] as const;
const REASONING = ['ai.usage.outputTokenDetails.reasoningTokens', 'ai.usage.reasoningTokens', ...REASONING_KEYS] as const;
const TOTAL = ['ai.usage.totalTokens'] as const;

const CACHE_EXCLUSIVE_BEFORE_V6: ReadonlySet<string> = new Set(['anthropic', 'aws.bedrock']);
const GOOGLE: ReadonlySet<string> = new Set(['gcp.gemini', 'gcp.vertex_ai']);

function operationOf(span: DecodedSpan): string | undefined {
  const id = (readString(span.attributes, OPERATION_ID_KEY) ?? '') || (span.scope.name === 'ai' ? span.name : '');
  if (id.endsWith('.doGenerate') || id.endsWith('.doStream')) return 'chat';
  if (id.endsWith('.doEmbed')) return 'embeddings';
  return undefined;
}

function readTokens(reader: TokenReader, operation: string): RawTokens {
  return {
    input: reader.first(operation === 'embeddings' ? EMBED_INPUT_KEYS : CHAT_INPUT_KEYS),
    output: reader.first(CHAT_OUTPUT_KEYS),
    cacheRead: reader.first(CACHE_READ),
    cacheWrite: reader.first(CACHE_WRITE),
    reasoning: reader.first(REASONING),
    total: reader.first(TOTAL),
  };
}

function extract(span: DecodedSpan): Extraction {
  const operation = operationOf(span);
  if (operation === undefined) return NOT_MODEL_CALL;
  const attributes = span.attributes;
  const provider = canonicalAiSdkProvider(firstString(attributes, PROVIDER_KEYS));
  const reader = new TokenReader(attributes);
  const tokens = readTokens(reader, operation);
  const v6 = hasAnyKey(attributes, V6_DETAIL_KEYS);
  if (!v6) addMetadataCacheTokens(attributes, reader, tokens);
  return finishCall(span, {
    provider,
    operation,
    requestModel: firstString(attributes, REQUEST_MODEL_KEYS),
    responseModel: firstString(attributes, RESPONSE_MODEL_KEYS),
    tokens,
    semantics: {
      inputIncludesCache: v6 || !CACHE_EXCLUSIVE_BEFORE_V6.has(provider),
      outputIncludesReasoning: v6 || !GOOGLE.has(provider),
    },
    tokenError: reader.error,
  });
}

export const vercelAiDialect: DialectRule = {
  name: 'vercel-ai',
  byScope: (span) => span.scope.name === 'ai',
  byAttributes: (span) => span.attributes[OPERATION_ID_KEY] !== undefined,
  extract,
};
