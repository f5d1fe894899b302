/**
 * One rule per producer ("dialect", reference §9 rule 1). Adding a producer means adding a file that
 * exports a DialectRule and listing it in dialect-table.ts; nothing else changes.
 */
import type { DecodedSpan } from '../otlp/decoded-span.js';
import { firstString, readString } from './attribute-values.js';
import { buildUsage, type RawTokens, type TokenSemantics, totalShowsReasoningExcluded } from './build-usage.js';
import { providerFromServerAddress } from './hosting-provider.js';
import type { NormalizedCall } from './normalized-call.js';
import { type IgnoredOutcome, type RejectedOutcome, rejected } from './outcomes.js';
import { providerFromModel } from './provider-aliases.js';
import { serviceTierOf } from './service-tier.js';

export type ExtractedCall = Pick<
  NormalizedCall,
  'provider' | 'operation' | 'requestModel' | 'responseModel' | 'responseId' | 'serviceTier' | 'usage' | 'estimated' | 'producerCostNanos'
>;

export type Extraction = { kind: 'call'; call: ExtractedCall } | IgnoredOutcome | RejectedOutcome;

export interface DialectRule {
  /** the `dialect` value stored with each call */
  readonly name: string;
  /** Claims the span from its instrumentation scope (checked for every rule before any fingerprint). */
  byScope(span: DecodedSpan): boolean;
  /** Claims the span from attribute fingerprints: a handful of key lookups, no scans. */
  byAttributes(span: DecodedSpan): boolean;
  extract(span: DecodedSpan): Extraction;
}

/** What a dialect read, in its producer's convention; `finishCall` makes it canonical. */
export interface CallParts {
  /** canonical provider per the dialect's aliases, or '' when the span names none */
  provider: string;
  operation: string;
  requestModel: string;
  responseModel: string;
  tokens: RawTokens;
  semantics: TokenSemantics;
  /** the first malformed token count the dialect met, if any */
  tokenError: string | null;
  estimated?: boolean;
  producerCostNanos?: bigint | null;
}

const RESPONSE_ID_KEYS = ['gen_ai.response.id', 'ai.response.id'] as const;

export function finishCall(span: DecodedSpan, parts: CallParts): Extraction {
  if (parts.tokenError !== null) return rejected(span.spanId, parts.tokenError);
  // §9 rule 9 test, for every producer: a total of input + output + reasoning betrays an output
  // count that left reasoning out, whatever the dialect assumed.
  const outputIncludesReasoning = parts.semantics.outputIncludesReasoning && !totalShowsReasoningExcluded(parts.tokens);
  const usage = buildUsage(parts.tokens, { inputIncludesCache: parts.semantics.inputIncludesCache, outputIncludesReasoning });
  if (!usage.ok) return rejected(span.spanId, usage.message);
  const attributes = span.attributes;
  const host = providerFromServerAddress(readString(attributes, 'server.address') ?? '');
  return {
    kind: 'call',
    call: {
      provider: host || parts.provider || providerFromModel(parts.responseModel || parts.requestModel),
      operation: parts.operation,
      requestModel: parts.requestModel,
      responseModel: parts.responseModel,
      responseId: firstString(attributes, RESPONSE_ID_KEYS),
      serviceTier: serviceTierOf(attributes),
      usage: usage.usage,
      estimated: parts.estimated ?? false,
      producerCostNanos: parts.producerCostNanos ?? null,
    },
  };
}
