/**
 * Short ASCII strings by their bytes. Span after span carries the same attribute keys and mostly
 * the same values (provider, model, client, project, feature), so the decoder hands out one
 * shared string for each instead of a fresh one per occurrence: that removes most of the
 * per-span garbage, and V8 looks up a repeated property key far faster than a fresh string.
 *
 * Direct-mapped by a hash of the length and six sampled bytes (first two, middle, last three:
 * where keys and ids of one family differ), then verified byte for byte: a collision costs a
 * miss and replaces the slot, and hostile input can only make the cache miss, never return
 * another string. Non-ASCII text is left to the caller.
 */
const SLOTS = 4096;
const MAX_BYTES = 64;

export class TextCache {
  private readonly texts: string[] = new Array<string>(SLOTS).fill('');

  /** The text of bytes[start, end), or undefined when it is not short ASCII (decode it normally). */
  get(bytes: Uint8Array, start: number, end: number, decode: (start: number, end: number) => string): string | undefined {
    const length = end - start;
    if (length > MAX_BYTES) return undefined;
    const slot = sampledHash(bytes, start, length) & (SLOTS - 1);
    const cached = this.texts[slot]!;
    if (cached.length === length && sameAscii(cached, bytes, start)) return cached;
    if (!isAscii(bytes, start, end)) return undefined;
    const text = decode(start, end);
    this.texts[slot] = text;
    return text;
  }
}

function sampledHash(bytes: Uint8Array, start: number, length: number): number {
  const last = start + length - 1;
  let hash = Math.imul(0x811c9dc5 ^ length, 0x01000193);
  hash = Math.imul(hash ^ bytes[start]!, 0x01000193);
  hash = Math.imul(hash ^ bytes[Math.min(start + 1, last)]!, 0x01000193);
  hash = Math.imul(hash ^ bytes[start + (length >> 1)]!, 0x01000193);
  hash = Math.imul(hash ^ bytes[Math.max(last - 2, start)]!, 0x01000193);
  hash = Math.imul(hash ^ bytes[Math.max(last - 1, start)]!, 0x01000193);
  hash = Math.imul(hash ^ bytes[last]!, 0x01000193);
  return hash >>> 0;
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

function sameAscii(text: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
