/**
 * Short ASCII strings by their bytes. Span after span carries the same attribute keys and mostly
 * the same values (provider, model, client, project, feature), so the decoder hands out one
 * shared string for each instead of a fresh one per occurrence: that removes most of the
 * per-span garbage, and V8 looks up a repeated property key far faster than a fresh string.
 *
 * Direct-mapped by an FNV-1a hash of the bytes: a lookup hashes and compares at most 64 bytes,
 * a collision replaces the slot. A hit is verified byte for byte, so hostile input can only
 * make the cache miss, never return another string.
 */
const SLOTS = 4096;
const MAX_BYTES = 64;

export class TextCache {
  private readonly texts: string[] = new Array<string>(SLOTS).fill('');

  /** The text of bytes[start, end), or undefined when it is not short ASCII (decode it normally). */
  get(bytes: Uint8Array, start: number, end: number, decode: (start: number, end: number) => string): string | undefined {
    const length = end - start;
    if (length > MAX_BYTES) return undefined;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return undefined;
      hash = Math.imul(hash ^ byte, 0x01000193);
    }
    const slot = (hash >>> 0) & (SLOTS - 1);
    const cached = this.texts[slot]!;
    if (cached.length === length && sameAscii(cached, bytes, start)) return cached;
    const text = decode(start, end);
    this.texts[slot] = text;
    return text;
  }
}

function sameAscii(text: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
