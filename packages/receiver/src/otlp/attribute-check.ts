import type { DecodeLimits } from './decode-limits.js';

/**
 * Tracks the first limit one attribute set breaks (span or resource). Decoding goes on after a
 * violation so that structural errors later in the body are still found; the owner then rejects.
 */
export class AttributeCheck {
  problem = '';
  count = 0;

  constructor(readonly limits: DecodeLimits) {}

  reset(): void {
    this.problem = '';
    this.count = 0;
  }

  /** Counts one attribute; false once over the limit (the caller stops storing values). */
  countOne(): boolean {
    if (++this.count <= this.limits.maxAttributesPerSpan) return true;
    this.problem ||= `has more than ${this.limits.maxAttributesPerSpan} attributes`;
    return false;
  }

  /** False (and records why) when a key or value of `bytes` bytes is over the limit. */
  fits(bytes: number, what: string): boolean {
    if (bytes <= this.limits.maxAttributeValueBytes) return true;
    this.problem ||= `has an attribute ${what} of ${bytes} bytes, over the ${this.limits.maxAttributeValueBytes}-byte limit`;
    return false;
  }

  /** UTF-8 length check without encoding when the UTF-16 length already decides it. */
  fitsText(s: string, what: string): boolean {
    const max = this.limits.maxAttributeValueBytes;
    if (s.length * 3 <= max) return true;
    return this.fits(s.length > max ? s.length : Buffer.byteLength(s, 'utf8'), what);
  }
}
