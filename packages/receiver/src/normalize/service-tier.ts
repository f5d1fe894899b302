/**
 * OpenAI's processing tier changes the price of the same model (flex and batch are half price,
 * priority costs more). The tier the response reports is the one applied; the request may only
 * say `auto`. Keys per reference §1.2 (renamed from gen_ai.openai.* in semconv 1.37).
 */
import type { Attributes } from '../otlp/decoded-span.js';

const TIER_KEYS = [
  'openai.response.service_tier',
  'gen_ai.openai.response.service_tier',
  'openai.request.service_tier',
  'gen_ai.openai.request.service_tier',
] as const;

const TIERS: ReadonlyMap<string, string> = new Map([
  ['default', 'standard'],
  ['standard', 'standard'],
  ['priority', 'priority'],
  ['flex', 'flex'],
  ['batch', 'batch'],
]);

/** '' when no tier is reported or it is `auto`/unknown: pricing then uses the standard list. */
export function serviceTierOf(attributes: Attributes): string {
  for (const key of TIER_KEYS) {
    const value = attributes[key];
    if (typeof value !== 'string') continue;
    const tier = TIERS.get(value.toLowerCase());
    if (tier !== undefined) return tier;
  }
  return '';
}
