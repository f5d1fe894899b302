/**
 * Generic OTel GenAI semantic conventions (reference §1): any producer that writes `gen_ai.*` and is
 * not recognised as a more specific dialect. Input is cache-inclusive and output reasoning-inclusive
 * per the spec ("SHOULD include all types of input tokens, including cached tokens"); finishCall
 * still corrects output when a reported total shows it left reasoning out (§9 rule 9).
 */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { TokenReader } from '../attribute-values.js';
import { OTEL_SEMANTICS } from '../build-usage.js';
import { type DialectRule, type Extraction, finishCall } from '../dialect-rule.js';
import { GENAI_FINGERPRINT_KEYS, genAiModels, genAiOperation, genAiProviderName, hasAnyKey, hasUsage, readGenAiTokens } from '../genai-keys.js';
import { NOT_MODEL_CALL } from '../outcomes.js';
import { canonicalProvider } from '../provider-aliases.js';
import { usdToNanos } from '../usd-nanos.js';

/** Vendor reasoning key (OpenLLMetry/OpenLIT) seen on otherwise generic spans. */
const VENDOR_REASONING_KEYS = ['gen_ai.usage.reasoning_tokens'] as const;

const AWS_SDK_SCOPE = '@opentelemetry/instrumentation-aws-sdk';
/** Model families whose InvokeModel bodies carry no input count (bedrock-runtime.ts in contrib). */
const ESTIMATED_INVOKE_FAMILIES = ['cohere.', 'mistral.'] as const;

/**
 * The aws-sdk Bedrock extension sets Cohere and Mistral InvokeModel input to `ceil(prompt.length / 6)`
 * ("We approximate the token count", reference §2b); Converse spans (op `chat`) report real counts.
 */
function isAwsSdkEstimate(span: DecodedSpan, metered: boolean, model: string): boolean {
  if (!metered || span.scope.name !== AWS_SDK_SCOPE || span.attributes['gen_ai.operation.name'] !== undefined) return false;
  return ESTIMATED_INVOKE_FAMILIES.some((family) => model.includes(family));
}

/** Semconv extraction with the dialect name left to the caller, so close relatives can reuse it. */
export function extractGenAi(span: DecodedSpan, providerOf: (raw: string) => string = canonicalProvider): Extraction {
  const attributes = span.attributes;
  const reader = new TokenReader(attributes);
  const tokens = readGenAiTokens(reader);
  tokens.reasoning ??= reader.first(VENDOR_REASONING_KEYS);
  const metered = hasUsage(tokens);
  const operation = genAiOperation(span, metered);
  if (operation === undefined) return NOT_MODEL_CALL;
  const models = genAiModels(attributes);
  return finishCall(span, {
    provider: providerOf(genAiProviderName(attributes)),
    operation,
    ...models,
    tokens,
    semantics: OTEL_SEMANTICS,
    tokenError: reader.error,
    estimated: isAwsSdkEstimate(span, metered, models.requestModel),
    producerCostNanos: usdToNanos(attributes['gen_ai.usage.cost']),
  });
}

export const otelGenAiDialect: DialectRule = {
  name: 'otel-genai',
  byScope: () => false,
  byAttributes: (span) => hasAnyKey(span.attributes, GENAI_FINGERPRINT_KEYS),
  extract: (span) => extractGenAi(span),
};
