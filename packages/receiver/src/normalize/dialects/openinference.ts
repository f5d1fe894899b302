/**
 * OpenInference / Arize (reference §4): `openinference.span.kind` decides; only LLM and EMBEDDING
 * spans are model calls (AGENT, CHAIN, TOOL, RETRIEVER, ... are wrappers or not calls at all).
 * The spec does not say whether `llm.token_count.prompt` includes cache; the OpenAI instrumentation
 * reports OpenAI's inclusive `prompt_tokens`, while the Anthropic one reports Anthropic's raw,
 * cache-exclusive `input_tokens` (§4 "In practice", §9 rule 8), so Anthropic input gets cache added.
 */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { firstString, readString, startsWithAny, TokenReader } from '../attribute-values.js';
import { type DialectRule, type Extraction, finishCall } from '../dialect-rule.js';
import { NOT_MODEL_CALL } from '../outcomes.js';
import { canonicalProvider } from '../provider-aliases.js';
import { usdToNanos } from '../usd-nanos.js';

const KIND_KEY = 'openinference.span.kind';
const SCOPE_PREFIXES = ['@arizeai/openinference', 'openinference.'] as const;
const OPERATIONS: ReadonlyMap<string, string> = new Map([
  ['LLM', 'chat'],
  ['EMBEDDING', 'embeddings'],
]);

const REQUEST_MODEL_KEYS = ['llm.request.model_name', 'llm.model_name', 'embedding.model_name'] as const;
const RESPONSE_MODEL_KEYS = ['llm.response.model_name', 'llm.model_name', 'embedding.model_name'] as const;
const PROVIDER_KEYS = ['llm.provider', 'llm.system'] as const;

/** `llm.provider` is the host, `llm.system` the API family: either naming Anthropic means raw Anthropic counts. */
function isAnthropicApi(span: DecodedSpan): boolean {
  return readString(span.attributes, 'llm.system') === 'anthropic' || readString(span.attributes, 'llm.provider') === 'anthropic';
}

function producerCost(span: DecodedSpan): bigint | null {
  const attributes = span.attributes;
  const total = usdToNanos(attributes['llm.cost.total']);
  if (total !== null) return total;
  const prompt = usdToNanos(attributes['llm.cost.prompt']);
  const completion = usdToNanos(attributes['llm.cost.completion']);
  return prompt !== null && completion !== null ? prompt + completion : null;
}

function extract(span: DecodedSpan): Extraction {
  const attributes = span.attributes;
  const operation = OPERATIONS.get(readString(attributes, KIND_KEY) ?? '');
  if (operation === undefined) return NOT_MODEL_CALL;
  const reader = new TokenReader(attributes);
  const tokens = {
    input: reader.one('llm.token_count.prompt'),
    output: reader.one('llm.token_count.completion'),
    cacheRead: reader.one('llm.token_count.prompt_details.cache_read'),
    cacheWrite: reader.one('llm.token_count.prompt_details.cache_write'),
    reasoning: reader.one('llm.token_count.completion_details.reasoning'),
    total: reader.one('llm.token_count.total'),
  };
  return finishCall(span, {
    provider: canonicalProvider(firstString(attributes, PROVIDER_KEYS)),
    operation,
    requestModel: firstString(attributes, REQUEST_MODEL_KEYS),
    responseModel: firstString(attributes, RESPONSE_MODEL_KEYS),
    tokens,
    semantics: { inputIncludesCache: !isAnthropicApi(span), outputIncludesReasoning: true },
    tokenError: reader.error,
    producerCostNanos: producerCost(span),
  });
}

export const openInferenceDialect: DialectRule = {
  name: 'openinference',
  byScope: (span) => startsWithAny(span.scope.name, SCOPE_PREFIXES),
  byAttributes: (span) => span.attributes[KIND_KEY] !== undefined,
  extract,
};
