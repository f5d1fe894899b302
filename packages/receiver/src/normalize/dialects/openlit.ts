/**
 * OpenLIT, TypeScript and Python SDKs (reference §6). Semconv keys plus its own: older cache keys
 * under `gen_ai.usage.prompt_tokens_details.*`, reasoning as `gen_ai.usage.reasoning_tokens`
 * (OpenAI, inside output), and `gen_ai.usage.cost`, a client-side price kept as producerCostNanos.
 * Against the spec, its Anthropic wrappers report Anthropic's raw, cache-exclusive `input_tokens`
 * ("cache tokens are added on top", TS wrapper ~L319, Python utils ~L584), so we add them.
 */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { readString, TokenReader } from '../attribute-values.js';
import { type DialectRule, type Extraction, finishCall } from '../dialect-rule.js';
import { genAiModels, genAiOperation, genAiProviderName, hasUsage, readGenAiTokens } from '../genai-keys.js';
import { NOT_MODEL_CALL } from '../outcomes.js';
import { canonicalProvider } from '../provider-aliases.js';
import { usdToNanos } from '../usd-nanos.js';

const SDK_NAME = 'openlit';
const OLD_CACHE_READ_KEYS = ['gen_ai.usage.prompt_tokens_details.cache_read', 'gen_ai.usage.prompt_tokens_details.cached_tokens'] as const;
const OLD_CACHE_WRITE_KEYS = ['gen_ai.usage.prompt_tokens_details.cache_write', 'gen_ai.usage.prompt_tokens_details.cache_creation_tokens'] as const;
const VENDOR_REASONING_KEYS = [
  'gen_ai.usage.reasoning_tokens',
  'gen_ai.usage.completion_tokens_details.reasoning',
  'gen_ai.usage.completion_tokens_details.reasoning_tokens',
] as const;

function extract(span: DecodedSpan): Extraction {
  const attributes = span.attributes;
  const reader = new TokenReader(attributes);
  const tokens = readGenAiTokens(reader);
  tokens.cacheRead ??= reader.first(OLD_CACHE_READ_KEYS);
  tokens.cacheWrite ??= reader.first(OLD_CACHE_WRITE_KEYS);
  tokens.reasoning ??= reader.first(VENDOR_REASONING_KEYS);
  const operation = genAiOperation(span, hasUsage(tokens));
  if (operation === undefined) return NOT_MODEL_CALL;
  const provider = canonicalProvider(genAiProviderName(attributes));
  return finishCall(span, {
    provider,
    operation,
    ...genAiModels(attributes),
    tokens,
    semantics: { inputIncludesCache: provider !== 'anthropic', outputIncludesReasoning: true },
    tokenError: reader.error,
    producerCostNanos: usdToNanos(attributes['gen_ai.usage.cost']),
  });
}

export const openLitDialect: DialectRule = {
  name: 'openlit',
  byScope: (span) => span.scope.name === SDK_NAME || span.scope.name.startsWith('openlit.') || span.scope.name.startsWith('@openlit/'),
  byAttributes: (span) =>
    readString(span.attributes, 'telemetry.sdk.name') === SDK_NAME || readString(span.resource.attributes, 'telemetry.sdk.name') === SDK_NAME,
  extract,
};
