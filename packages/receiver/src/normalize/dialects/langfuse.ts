/**
 * Langfuse SDK spans (reference §7): `langfuse.observation.type` decides; only `generation` and
 * `embedding` observations carry billable usage ("Usage and cost can be tracked on observations of
 * type generation and embedding"). Any model/usage/cost attribute implies a generation, as in
 * Langfuse's own ObservationTypeMapper (priority 0). Usage comes from `usage_details` when given
 * (cache- and reasoning-exclusive), else from the semconv keys the wrapped SDK wrote.
 */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { readString, TokenReader } from '../attribute-values.js';
import type { RawTokens, TokenSemantics } from '../build-usage.js';
import { type DialectRule, type Extraction, finishCall } from '../dialect-rule.js';
import { genAiOperation, genAiProviderName, hasAnyKey, hasUsage, OPERATION_KEY, readGenAiTokens } from '../genai-keys.js';
import { NOT_MODEL_CALL, rejected } from '../outcomes.js';
import { billableOperation } from '../operations.js';
import { canonicalProvider } from '../provider-aliases.js';
import { usdToNanos } from '../usd-nanos.js';
import { COST_DETAILS_KEY, parseCostDetails, parseUsageDetails, USAGE_DETAILS_KEY } from './langfuse-details.js';

const TYPE_KEY = 'langfuse.observation.type';
const MODEL_KEY = 'langfuse.observation.model.name';
const GENERATION_KEYS = [MODEL_KEY, USAGE_DETAILS_KEY, COST_DETAILS_KEY] as const;
const FINGERPRINT_KEYS = [TYPE_KEY, ...GENERATION_KEYS] as const;

function operationOf(span: DecodedSpan, metered: boolean): string | undefined {
  const attributes = span.attributes;
  const type = readString(attributes, TYPE_KEY);
  if (type === 'embedding') return 'embeddings';
  if (type === 'generation' || (type === undefined && hasAnyKey(attributes, GENERATION_KEYS))) {
    return billableOperation(readString(attributes, OPERATION_KEY) ?? '') ?? 'chat';
  }
  return type === undefined ? genAiOperation(span, metered) : undefined;
}

function producerCost(span: DecodedSpan): bigint | null {
  const details = span.attributes[COST_DETAILS_KEY];
  return (typeof details === 'string' ? parseCostDetails(details) : null) ?? usdToNanos(span.attributes['gen_ai.usage.cost']);
}

const BILLED_TYPES: ReadonlySet<string> = new Set(['generation', 'embedding']);

function extract(span: DecodedSpan): Extraction {
  const attributes = span.attributes;
  const type = readString(attributes, TYPE_KEY);
  if (type !== undefined && !BILLED_TYPES.has(type)) return NOT_MODEL_CALL;
  const reader = new TokenReader(attributes);
  const detailsText = attributes[USAGE_DETAILS_KEY];
  let tokens: RawTokens;
  let semantics: TokenSemantics = { inputIncludesCache: true, outputIncludesReasoning: true };
  if (typeof detailsText === 'string') {
    const details = parseUsageDetails(detailsText, reader);
    if (details === undefined) return rejected(span.spanId, `${USAGE_DETAILS_KEY} is not a JSON object`);
    ({ tokens, semantics } = details);
  } else {
    tokens = readGenAiTokens(reader);
  }
  const operation = operationOf(span, hasUsage(tokens));
  if (operation === undefined) return NOT_MODEL_CALL;
  const declaredModel = readString(attributes, MODEL_KEY);
  return finishCall(span, {
    provider: canonicalProvider(genAiProviderName(attributes)),
    operation,
    requestModel: readString(attributes, 'gen_ai.request.model') ?? declaredModel ?? '',
    responseModel: declaredModel ?? readString(attributes, 'gen_ai.response.model') ?? '',
    tokens,
    semantics,
    tokenError: reader.error,
    producerCostNanos: producerCost(span),
  });
}

export const langfuseDialect: DialectRule = {
  name: 'langfuse',
  byScope: (span) => span.scope.name === 'langfuse-sdk',
  byAttributes: (span) => hasAnyKey(span.attributes, FINGERPRINT_KEYS),
  extract,
};
