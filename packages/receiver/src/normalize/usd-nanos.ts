/**
 * Producer-computed costs arrive as USD floats (OpenLIT `gen_ai.usage.cost`, OpenInference
 * `llm.cost.*`, Langfuse `cost_details`). They are kept for drift checks only (reference §9 rule 12),
 * but still converted exactly: from the shortest decimal text of the value, never by multiplying floats.
 */
const DECIMAL = /^([0-9]+)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,3}))?$/;
const LEADING_ZEROS = /^0+/;
const NANO_DIGITS = 9;
/** Above a trillion USD a "cost" is garbage, not money. */
const MAX_DIGITS_BEFORE_POINT = 13;

/** USD as a number or decimal string -> integer nano-USD, rounded half-up; null when not a non-negative finite amount. */
export function usdToNanos(value: unknown): bigint | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  const exponent = Number(match[3] ?? '0');
  if (whole.replace(LEADING_ZEROS, '').length + exponent > MAX_DIGITS_BEFORE_POINT) return null;
  const shift = exponent - fraction.length + NANO_DIGITS;
  const digits = BigInt(whole + fraction);
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  return (digits + divisor / 2n) / divisor;
}
