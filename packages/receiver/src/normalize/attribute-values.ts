/**
 * Tolerant readers for untrusted attribute values. OTLP/JSON may carry int64 as a string
 * (reference §0 conventions), so token counts accept numeric strings; anything else that is
 * not a non-negative integer makes the span malformed rather than silently zero.
 */
import type { AttributeValue, Attributes } from '../otlp/decoded-span.js';

/** Longest string kept for ids, names and models; longer values are truncated, not rejected. */
export const MAX_TEXT_LENGTH = 256;

const DIGITS = /^[0-9]{1,15}$/;

/** A string attribute, or a number/boolean coerced to one; '' and non-scalars count as absent. */
export function readString(attributes: Attributes, key: string): string | undefined {
  return stringOf(attributes[key]);
}

export function stringOf(value: AttributeValue | undefined): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : cap(value, MAX_TEXT_LENGTH);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Like stringOf, but never truncated: for values a cut would change the meaning of (two unit ids
 * cut to the same prefix would count as one unit), which the plausibility limits reject instead.
 */
export function wholeStringOf(value: AttributeValue | undefined): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  return stringOf(value);
}

/** The first of `keys` present as a string, else ''. */
export function firstString(attributes: Attributes, keys: readonly string[]): string {
  for (const key of keys) {
    const value = readString(attributes, key);
    if (value !== undefined) return value;
  }
  return '';
}

export function startsWithAny(text: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) {
    if (text.startsWith(prefix)) return true;
  }
  return false;
}

/** Truncates by UTF-16 units without splitting a surrogate pair. */
export function cap(value: string, max: number): string {
  if (value.length <= max) return value;
  const code = value.charCodeAt(max - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * Reads token counts and remembers the first malformed one: a dialect reads every key it needs,
 * then checks `error` once, instead of threading a result through each read.
 */
export class TokenReader {
  error: string | null = null;

  constructor(private readonly attributes: Attributes) {}

  /** The first of `keys` that is present (non-null), parsed; undefined when none is. */
  first(keys: readonly string[]): number | undefined {
    for (const key of keys) {
      const value = this.attributes[key];
      if (value === undefined || value === null) continue;
      return this.parse(key, value);
    }
    return undefined;
  }

  one(key: string): number | undefined {
    const value = this.attributes[key];
    return value === undefined || value === null ? undefined : this.parse(key, value);
  }

  /** Parses one value found under `key` (also used for values read out of JSON blobs). */
  parse(key: string, value: unknown): number | undefined {
    const parsed = tokenCountOf(value);
    if (parsed === undefined && this.error === null) {
      this.error = `${key} is ${describe(value)}, not a non-negative integer token count`;
    }
    return parsed;
  }
}

function tokenCountOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value);
  return undefined;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(cap(value, 40)) : String(value);
  return Array.isArray(value) ? 'an array' : text;
}
