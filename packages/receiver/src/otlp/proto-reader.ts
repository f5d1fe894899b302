import { OtlpDecodeError } from './otlp-errors.js';
import { TextCache } from './text-cache.js';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure). */
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

const MAX_GROUP_DEPTH = 32;

/** Shared by every request: the same keys and values recur across requests, not only within one. */
const SHARED_TEXTS = new TextCache();

type NodeBuffer = Buffer & { utf8Slice(start: number, end: number): string; hexSlice(start: number, end: number): string };

/**
 * A cursor over protobuf wire bytes. Every read is bounded by `limit`, the end of the message being
 * read, so a length that points past its parent, or a truncated varint, throws instead of reading
 * a neighbour's bytes. Nothing here allocates per field except strings and bigints.
 */
export class ProtoReader {
  pos = 0;
  limit: number;
  private readonly view: DataView;
  private readonly buffer: NodeBuffer;
  private readonly decodeText = (start: number, end: number): string => this.buffer.utf8Slice(start, end);

  constructor(readonly bytes: Uint8Array) {
    this.limit = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as NodeBuffer;
    // Buffer#utf8Slice and #hexSlice (Node's own, behind toString) skip toString's argument
    // handling: about 2x faster on the short strings of a span. Fall back where they are missing.
    if (typeof buffer.utf8Slice !== 'function') buffer.utf8Slice = (s, e) => buffer.toString('utf8', s, e);
    if (typeof buffer.hexSlice !== 'function') buffer.hexSlice = (s, e) => buffer.toString('hex', s, e);
    this.buffer = buffer;
  }

  /** Reads a field tag; field number 0 is invalid on the wire. */
  tag(): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) throw this.error('field number 0');
    return tag;
  }

  /** A varint's low 32 bits, unsigned. Enums and int32 are sign-extended to 10 bytes; `| 0` them. */
  uint32(): number {
    // Tags, enums and small counts are one byte: they skip the loop's bookkeeping.
    const p = this.pos;
    if (p < this.limit) {
      const byte = this.bytes[p]!;
      if (byte < 0x80) {
        this.pos = p + 1;
        return byte;
      }
    }
    return this.uint32Long();
  }

  private uint32Long(): number {
    const b = this.bytes;
    let p = this.pos;
    let value = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= this.limit) throw this.error('truncated varint');
      const byte = b[p++]!;
      if (i < 5) value |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        this.pos = p;
        return value >>> 0;
      }
    }
    throw this.error('varint longer than 10 bytes');
  }

  /** An int64 varint: a number when it is a safe integer, else its exact decimal string. */
  int64(): number | string {
    const b = this.bytes;
    const start = this.pos;
    let p = start;
    let value = 0;
    let scale = 1;
    // Seven 7-bit groups (49 bits) always fit a double exactly; longer varints take the bigint path.
    for (let i = 0; i < 7; i++) {
      if (p >= this.limit) throw this.error('truncated varint');
      const byte = b[p++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = p;
        return value;
      }
      scale *= 128;
    }
    this.pos = start;
    return this.int64Long();
  }

  /** Varints of 8 to 10 bytes: split into 32-bit halves (as protobufjs's LongBits does), bigint only when unsafe. */
  private int64Long(): number | string {
    const b = this.bytes;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.limit) throw this.error('truncated varint');
      const byte = b[this.pos++]!;
      const bits = byte & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (byte < 0x80) {
        const n = (hi | 0) * 4294967296 + (lo >>> 0);
        if (Number.isSafeInteger(n)) return n;
        return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
      }
    }
    throw this.error('varint longer than 10 bytes');
  }

  fixed64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the payload, checked against `limit`. */
  lengthEnd(): number {
    // Keys, values and most attribute messages are under 128 bytes long: a one-byte length.
    const p = this.pos;
    if (p < this.limit) {
      const len = this.bytes[p]!;
      if (len < 0x80) {
        this.pos = p + 1;
        return this.checkedEnd(len);
      }
    }
    return this.checkedEnd(this.lengthLong());
  }

  private lengthLong(): number {
    const b = this.bytes;
    let len = 0;
    // Lengths are at most 2^31 - 1, so at most 5 varint bytes; anything longer is not a length.
    for (let i = 0; ; i++) {
      if (this.pos >= this.limit) throw this.error('truncated length');
      const byte = b[this.pos++]!;
      len += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) break;
      if (i === 4) throw this.error('length varint longer than 5 bytes');
    }
    return len;
  }

  private checkedEnd(len: number): number {
    if (len > this.limit - this.pos) throw this.error(`length ${len} past the end of the message`);
    return this.pos + len;
  }

  /** UTF-8 text of `[start, end)`; invalid sequences become U+FFFD, as in the Node and Go SDKs' readers. */
  text(start: number, end: number): string {
    if (start === end) return '';
    return SHARED_TEXTS.get(this.bytes, start, end, this.decodeText) ?? this.buffer.utf8Slice(start, end);
  }

  /** Lowercase hex of `[start, end)` (trace and span ids). */
  hex(start: number, end: number): string {
    return this.buffer.hexSlice(start, end);
  }

  base64(start: number, end: number): string {
    return this.buffer.toString('base64', start, end);
  }

  /** Skips a field we do not read, by its wire type alone: this is what keeps us forward compatible. */
  skip(tag: number, depth = 0): void {
    switch (tag & 7) {
      case WIRE_VARINT:
        this.uint32();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd();
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      case WIRE_START_GROUP:
        this.skipGroup(tag >>> 3, depth);
        return;
      default:
        throw this.error(`unexpected wire type ${tag & 7}`);
    }
  }

  private skipGroup(field: number, depth: number): void {
    if (depth >= MAX_GROUP_DEPTH) throw this.error('groups nested too deep');
    for (;;) {
      const tag = this.tag();
      if ((tag & 7) === WIRE_END_GROUP) {
        if (tag >>> 3 !== field) throw this.error('mismatched end group');
        return;
      }
      this.skip(tag, depth + 1);
    }
  }

  /** These throw unless the tag carries the wire type: a known field with another one is not our schema. */
  expectLen(tag: number, what: string): void {
    if ((tag & 7) !== 2) this.wrongWire(tag, 2, what);
  }

  expectVarint(tag: number, what: string): void {
    if ((tag & 7) !== 0) this.wrongWire(tag, 0, what);
  }

  expectFixed64(tag: number, what: string): void {
    if ((tag & 7) !== 1) this.wrongWire(tag, 1, what);
  }

  private wrongWire(tag: number, wire: number, what: string): never {
    throw this.error(`${what} has wire type ${tag & 7}, expected ${wire}`);
  }

  private need(n: number): void {
    if (this.limit - this.pos < n) throw this.error('truncated fixed-width field');
  }

  error(what: string): OtlpDecodeError {
    return new OtlpDecodeError(`invalid protobuf at byte ${this.pos}: ${what}`);
  }
}
