import { PricingError } from '../errors.js';

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/** Integer division rounding half away from zero (the house rule for money). `d` must be > 0. */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/**
 * Parses a decimal string or a JSON number into an integer scaled by 10^scale, without ever
 * going through float arithmetic. Numbers are read from their shortest round-trip text
 * (`String(1.25e-7)` is "1.25e-7"), which is exactly the literal written in the JSON file.
 * `mode: 'exact'` rejects digits finer than the scale; `'round'` rounds them half-up.
 */
export function parseScaled(value: string | number, scale: number, mode: 'exact' | 'round' = 'exact'): bigint {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new PricingError('decimal_invalid', `not a finite number: ${value}`);
  }
  const text = String(value).trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new PricingError('decimal_invalid', `not a decimal number: "${text}"`);
  const [, sign = '', whole = '0', frac = '', exp = '0'] = m;
  let digits = BigInt(whole + frac);
  const shift = Number(exp) - frac.length + scale;
  if (shift >= 0) {
    digits *= 10n ** BigInt(shift);
  } else {
    const div = 10n ** BigInt(-shift);
    if (mode === 'exact' && digits % div !== 0n) {
      throw new PricingError('decimal_invalid', `"${text}" has more than ${scale} decimal places`);
    }
    digits = divRoundHalfUp(digits, div);
  }
  return sign === '-' ? -digits : digits;
}

/** Formats an integer scaled by 10^scale as a fixed-point decimal string ("0.003250000"). */
export function formatScaled(n: bigint, scale: number): string {
  const negative = n < 0n;
  const abs = (negative ? -n : n).toString().padStart(scale + 1, '0');
  const whole = abs.slice(0, abs.length - scale);
  const frac = abs.slice(abs.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${frac}` : ''}`;
}

/** Like formatScaled, without trailing zeros ("2.5", "0.0375", "10"): for prices shown to people. */
export function formatTrimmed(n: bigint, scale: number): string {
  const fixed = formatScaled(n, scale);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
