import type { GenAiUsage } from '@tokenledger/otel';
import { emptyUsage, type Pricer, type Usage } from '@tokenledger/pricing';

/** Output reserved for a request that sets no limit of its own (docs/gateway.md "Caps"). */
export const DEFAULT_RESERVED_OUTPUT_TOKENS = 1024;
/** A prompt is reserved at one token per 4 bytes of request body: a generous reading of JSON text. */
const BYTES_PER_TOKEN = 4;

/**
 * Token counts with OTel meaning (input includes cache reads and writes, output includes
 * reasoning) as the pricing package's Usage: the receiver's `buildUsage` arithmetic for producers
 * that follow the semantic conventions, 1-hour writes split out of the cache-write total.
 */
export function usageOf(u: GenAiUsage): Usage {
  const write1h = u.cacheWrite1h ?? 0;
  const write = u.cacheWrite ?? 0;
  const split = write1h > 0 && write1h <= write;
  return {
    inputTokens: u.input ?? 0,
    cachedInputTokens: u.cacheRead ?? 0,
    cacheWriteTokens: split ? write - write1h : write,
    cacheWrite1hTokens: split ? write1h : 0,
    outputTokens: u.output ?? 0,
    reasoningTokens: u.reasoning ?? 0,
  };
}

export function estimatedUsage(requestBytes: number, maxOutputTokens: number | undefined): Usage {
  return { ...emptyUsage, inputTokens: Math.ceil(requestBytes / BYTES_PER_TOKEN), outputTokens: maxOutputTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS };
}

export interface CostQuery {
  provider: string;
  /** Tried in order, as the receiver does: the snapshot that ran, then the requested alias. */
  models: (string | undefined)[];
  usage: Usage;
  at: Date;
  client: string | undefined;
}

/** Cost in nano-USD; 0n for a model without a price (the budget counts unpriced calls as no spend either). */
export function costNanos(pricer: Pricer, q: CostQuery): bigint {
  for (const model of q.models) {
    if (!model) continue;
    const result = pricer.price({ provider: q.provider, model, usage: q.usage, at: q.at, ...(q.client ? { clientId: q.client } : {}) });
    if (result.priced) return result.totalNanos;
  }
  return 0n;
}
