/**
 * Limits on what a span may claim (design.md "Limits on what a span may claim", #13 item 2).
 * A call outside them is rejected through OTLP partial success with a message naming the limit;
 * its neighbours are stored. The defaults sit far above any real call and far below what wraps a
 * column or a sum: one span claiming 10^15 output tokens once priced to more than Int64 nano-USD
 * holds and turned a client's bill negative; a year-2200 start overflowed DateTime into 1970.
 */
import { z } from 'zod';
import type { DecodedSpan } from '../otlp/decoded-span.js';
import type { NormalizeOutcome, NormalizedCall, Usage } from './normalized-call.js';
import { rejected } from './outcomes.js';

export const MAX_SPAN_AGE_DAYS = 2_900;

export const limitsSchema = z
  .object({
    /** Largest count in any one token bucket of one call (the largest context windows hold ~10^7). */
    max_tokens_per_call: z.number().int().min(1).max(1_000_000_000).default(100_000_000),
    /** Largest cost of one call, priced or claimed by the producer, in USD. */
    max_cost_usd_per_call: z.number().int().min(1).max(1_000_000).default(1_000),
    /**
     * Oldest call start accepted, in days before now; by default `retention_days` (what is kept at
     * all), at most 2,900: 18.16 refuses an insert that touches over 100 monthly partitions.
     */
    max_span_age_days: z.number().int().min(1).max(MAX_SPAN_AGE_DAYS).optional(),
    /** Latest call start accepted, in minutes after now (clock skew). */
    max_clock_skew_minutes: z.number().int().min(0).max(10_080).default(60),
    /**
     * Longest tokenledger.unit.kind / tokenledger.unit.id, in characters. Longer is rejected, not
     * truncated like other strings: two ids cut to one prefix would be billed as one unit.
     */
    max_unit_length: z.number().int().min(1).max(512).default(256),
  })
  .strict();

/** The limits in force: every field set (the span age from `retention_days` when not given). */
export type PlausibilityLimits = Required<z.infer<typeof limitsSchema>>;
export const DEFAULT_LIMITS: PlausibilityLimits = Object.freeze({ ...limitsSchema.parse({}), max_span_age_days: 400 });

const NS_PER_MS = 1_000_000n;
const NANOS_PER_USD = 1_000_000_000n;
const BUCKETS = [
  ['input_tokens', 'inputTokens'],
  ['cached_input_tokens', 'cachedInputTokens'],
  ['cache_write_tokens', 'cacheWriteTokens'],
  ['cache_write_1h_tokens', 'cacheWrite1hTokens'],
  ['output_tokens', 'outputTokens'],
  ['reasoning_tokens', 'reasoningTokens'],
] as const;

/** Why `call` is outside the limits at `nowMs`, naming the limit; undefined when it is plausible. */
export function callProblem(call: NormalizedCall, limits: PlausibilityLimits, nowMs: number): string | undefined {
  // Compared as numbers: a UInt64 of nanoseconds is below 2^53 once in milliseconds, so this is
  // exact and spares two BigInt allocations per call.
  const startMs = Number(call.startTimeUnixNano / NS_PER_MS);
  const earliest = nowMs - limits.max_span_age_days * 86_400_000;
  const latest = nowMs + limits.max_clock_skew_minutes * 60_000;
  if (startMs < earliest) return `start time ${isoOf(startMs)} is older than limits.max_span_age_days (${limits.max_span_age_days})`;
  if (startMs > latest) return `start time ${isoOf(startMs)} is later than now plus limits.max_clock_skew_minutes (${limits.max_clock_skew_minutes})`;
  const u = call.usage;
  // One comparison for the plausible case; the loop, with its lookups by key, only to name the bucket.
  if (u && Math.max(u.inputTokens, u.cachedInputTokens, u.cacheWriteTokens, u.cacheWrite1hTokens, u.outputTokens, u.reasoningTokens) > limits.max_tokens_per_call) {
    return tokensProblem(u, limits);
  }
  const unitProblem = unitLengthProblem(call, limits);
  if (unitProblem) return unitProblem;
  if (call.producerCostNanos !== null) return costProblem('producer cost', call.producerCostNanos, limits);
  return undefined;
}

function tokensProblem(usage: Usage, limits: PlausibilityLimits): string | undefined {
  for (const [column, key] of BUCKETS) {
    const count = usage[key];
    if (count > limits.max_tokens_per_call) return `${column} ${count} is over limits.max_tokens_per_call (${limits.max_tokens_per_call})`;
  }
  return undefined;
}

function unitLengthProblem({ attribution: a }: NormalizedCall, limits: PlausibilityLimits): string | undefined {
  return lengthProblem('tokenledger.unit.kind', a.unitKind, limits) ?? lengthProblem('tokenledger.unit.id', a.unitId, limits);
}

function lengthProblem(key: string, value: string, limits: PlausibilityLimits): string | undefined {
  return value.length > limits.max_unit_length ? `${key} of ${value.length} characters is over limits.max_unit_length (${limits.max_unit_length})` : undefined;
}

/** Why a cost in nano-USD is over `max_cost_usd_per_call`, or undefined. */
export function costProblem(what: string, nanos: bigint, limits: PlausibilityLimits): string | undefined {
  const max = BigInt(limits.max_cost_usd_per_call) * NANOS_PER_USD;
  return nanos > max ? `${what} of ${nanos} nano-USD is over limits.max_cost_usd_per_call (${limits.max_cost_usd_per_call} USD)` : undefined;
}

function isoOf(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms` : date.toISOString();
}

/** The two ingest stages this module guards (structurally the receiver's IngestStages). */
export interface GuardedStages<Cost extends { totalNanos: bigint }> {
  normalize(span: DecodedSpan): NormalizeOutcome;
  price(call: NormalizedCall): Cost | null;
}

/**
 * Wraps normalize and price so an implausible call comes out of normalize as `rejected`. A call's
 * cost is computed once, here, to check it, and handed to the price stage, which the ingest path
 * calls right after normalize for the same call: the last call checked and its cost are kept for
 * it (a WeakMap keyed by the call cost a hash lookup, and a hidden key, per call). A call priced
 * without being the last one normalized is priced afresh.
 */
export function plausibleStages<S extends GuardedStages<C>, C extends { totalNanos: bigint }>(stages: S, limits: PlausibilityLimits, now: () => Date): S {
  let lastCall: NormalizedCall | undefined;
  let lastCost: C | null = null;
  const normalize = (span: DecodedSpan): NormalizeOutcome => {
    const outcome = stages.normalize(span);
    if (outcome.kind !== 'call') return outcome;
    const call = outcome.call;
    const problem = callProblem(call, limits, now().getTime());
    if (problem) return rejected(call.spanId, problem);
    const cost = call.usage ? stages.price(call) : null;
    const over = cost ? costProblem('cost', cost.totalNanos, limits) : undefined;
    if (over) return rejected(call.spanId, over);
    lastCall = call;
    lastCost = cost;
    return outcome;
  };
  const price = (call: NormalizedCall): C | null => (call === lastCall ? lastCost : stages.price(call));
  return { ...stages, normalize, price };
}
