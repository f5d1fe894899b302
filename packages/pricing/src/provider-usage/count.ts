/** A token count from a raw provider object: non-negative integers only, anything else is 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** The first field that is present as a number (camelCase and snake_case SDKs differ). */
export function firstCount(...values: unknown[]): number {
  for (const v of values) if (typeof v === 'number') return count(v);
  return 0;
}
