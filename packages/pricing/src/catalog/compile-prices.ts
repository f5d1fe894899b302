import { divRoundHalfUp, parseScaled } from '../money/decimal.js';
import type { PriceSetInput, PriceVersionInput } from './catalog-schema.js';
import type { PriceBand, PriceVersion, Rates } from './catalog-types.js';

const femto = (usdPerMtok: string | number): bigint => parseScaled(usdPerMtok, 9, 'exact');

/**
 * Fallbacks, resolved once: a missing cache-read price bills cached tokens at the input price (no
 * discount recorded), except in a service tier or long-context band, where the base cache-read
 * discount carries over at the set's input ratio (batch input at 50% -> cache reads at 50%); a
 * missing write price bills writes at the input price (OpenAI and Gemini charge no write
 * surcharge); a missing 1-hour write price falls back to the 5-minute write price.
 */
export function compileRates(set: PriceSetInput, base?: Rates): Rates {
  const input = femto(set.input);
  const cacheWrite = set.cache_write === undefined ? input : femto(set.cache_write);
  let cachedInput = set.cached_input === undefined ? input : femto(set.cached_input);
  if (set.cached_input === undefined && base && base.input > 0n) cachedInput = divRoundHalfUp(base.cachedInput * input, base.input);
  return {
    input,
    cachedInput,
    cacheWrite,
    cacheWrite1h: set.cache_write_1h === undefined ? cacheWrite : femto(set.cache_write_1h),
    output: femto(set.output),
  };
}

function discounted(rates: Rates, pct: number): Rates {
  const keep = BigInt(Math.round((100 - pct) * 1_000_000));
  const scale = (r: bigint) => divRoundHalfUp(r * keep, 100_000_000n);
  return {
    input: scale(rates.input),
    cachedInput: scale(rates.cachedInput),
    cacheWrite: scale(rates.cacheWrite),
    cacheWrite1h: scale(rates.cacheWrite1h),
    output: scale(rates.output),
  };
}

interface TierSets {
  batch?: PriceSetInput | undefined;
  priority?: PriceSetInput | undefined;
  flex?: PriceSetInput | undefined;
}

function compileBand(aboveInputTokens: number, set: PriceSetInput & TierSets, batchPct?: number, base?: Rates): PriceBand {
  const standard = compileRates(set, base);
  const band: { -readonly [K in keyof PriceBand]: PriceBand[K] } = { aboveInputTokens, standard };
  if (set.batch) band.batch = compileRates(set.batch, standard);
  else if (batchPct !== undefined) band.batch = discounted(standard, batchPct);
  if (set.priority) band.priority = compileRates(set.priority, standard);
  if (set.flex) band.flex = compileRates(set.flex, standard);
  return band;
}

export function utcMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function compileVersion(p: PriceVersionInput): PriceVersion {
  const bands = [compileBand(0, p, p.batch_discount_pct)];
  const longContext = [...(p.long_context ?? [])].sort((a, b) => a.above_input_tokens - b.above_input_tokens);
  for (const band of longContext) bands.push(compileBand(band.above_input_tokens, band, p.batch_discount_pct, bands[0]!.standard));
  return {
    effectiveFrom: utcMidnight(p.effective_from),
    effectiveFromDate: p.effective_from,
    ...(p.effective_to === undefined ? {} : { effectiveTo: utcMidnight(p.effective_to) }),
    source: p.source,
    bands,
  };
}
