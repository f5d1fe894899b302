/** Money as integer nano-USD (design.md "Money"): decimal strings in, bigint inside, never floats. */
const NANOS_PER_USD = 1_000_000_000n;
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses "12", "0.003250000", "-1.5" to nano-USD; digits past the ninth decimal are dropped. */
export function usdToNanos(text: string): bigint {
  const match = DECIMAL.exec(text.trim());
  if (match === null) throw new TypeError(`not a decimal USD amount: ${JSON.stringify(text)}`);
  const [, sign, whole = '0', fraction = ''] = match;
  const nanos = BigInt(whole) * NANOS_PER_USD + BigInt(fraction.slice(0, 9).padEnd(9, '0'));
  return sign === '-' ? -nanos : nanos;
}

/** Formats nano-USD at full precision: 10_000_000n → "0.010000000". */
export function nanosToUsd(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const text = `${abs / NANOS_PER_USD}.${(abs % NANOS_PER_USD).toString().padStart(9, '0')}`;
  return negative ? `-${text}` : text;
}
