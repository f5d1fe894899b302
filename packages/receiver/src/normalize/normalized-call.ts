/**
 * The normalizer's output contract: one billable model call per span, consumed by the ClickHouse
 * writer. Token buckets follow `Usage` from @tokenledger/pricing (input includes cache reads and
 * writes, output includes reasoning), whatever the producer's own convention was.
 */
import type { Usage } from '@tokenledger/pricing';

export type { Usage };

export interface Attribution {
  clientId: string;
  /** the attribute key the client id came from ('' if none), stored for audit */
  clientKey: string;
  project: string;
  feature: string;
  app: string;
  environment: string;
  userId: string;
  /** tokenledger.unit.kind / tokenledger.unit.id, whole (plausibility.ts bounds their length); '' = none */
  unitKind: string;
  unitId: string;
  tags: Array<[string, string]>;
}

export interface NormalizedCall {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  startTimeUnixNano: bigint;
  durationMs: number;
  attribution: Attribution;
  /** canonical gen_ai.provider.name well-known value (see pricing providerIds), else the raw lowercased value */
  provider: string;
  /** chat | text_completion | generate_content | embeddings */
  operation: string;
  requestModel: string;
  responseModel: string;
  responseId: string;
  /** '' | 'batch' | 'priority' | 'flex' | 'standard' */
  serviceTier: string;
  /** null = unmetered (a model call that carries no token usage at all) */
  usage: Usage | null;
  /** token counts tokenized locally by the producer */
  estimated: boolean;
  /** a cost the producer computed itself (gen_ai.usage.cost, llm.cost.*), kept, never billed */
  producerCostNanos: bigint | null;
  status: 'ok' | 'error';
  errorType: string;
  /** 'otel-genai' | 'otel-openai-contrib' | 'openllmetry' | 'openllmetry-legacy' | 'openinference' | 'vercel-ai' | 'vercel-ai-v7' | 'openlit' | 'langfuse' */
  dialect: string;
  scopeName: string;
}

export type NormalizeOutcome =
  | { kind: 'call'; call: NormalizedCall }
  | { kind: 'ignored'; reason: 'not_genai' | 'not_model_call' }
  | { kind: 'rejected'; message: string };

export interface NormalizeOptions {
  /** extra attribute keys read as the client id after tokenledger.client.id, in order (span, then resource) */
  extraClientKeys: string[];
}
