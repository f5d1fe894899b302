/**
 * Rows as ClickHouse TabSeparated bytes: about half the bytes of JSONEachRow and far cheaper for
 * ClickHouse to parse, which matters when the receiver and ClickHouse share the same cores.
 * Escaping follows the TabSeparated format (https://clickhouse.com/docs/en/interfaces/formats#tabseparated):
 * strings escape backslash, tab, line feed, carriage return and NUL; NULL is \N; arrays are
 * written as [..] of quoted strings, whose quotes and backslashes are escaped in turn.
 *
 * The bytes are written straight into one growing buffer. Building the text as a JavaScript
 * string first and encoding it at the end costs several times more: thousands of rows of dozens
 * of fields make a rope of hundreds of thousands of pieces that must be flattened, then encoded.
 */

export type TsvValue = string | number | null | readonly string[];

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const QUOTE = 0x27;
/** The letter written after a backslash for each character TabSeparated escapes (0 = none). */
const ESCAPE_LETTER = new Uint8Array(128);
ESCAPE_LETTER[BACKSLASH] = BACKSLASH;
ESCAPE_LETTER[TAB] = 0x74; // t
ESCAPE_LETTER[LF] = 0x6e; // n
ESCAPE_LETTER[CR] = 0x72; // r
ESCAPE_LETTER[0] = 0x30; // 0

export class TsvWriter {
  private buffer: Buffer;
  private pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** A String column's value. */
  text(value: string): this {
    this.string(value, false);
    return this;
  }

  /** A number column's value (integers as ClickHouse reads them; never NaN or Infinity). */
  number(value: number): this {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    this.ascii(String(value));
    return this;
  }

  /** An Array(String) column's value: `['a','b']`. */
  array(values: readonly string[]): this {
    this.reserve(2 + values.length);
    this.buffer[this.pos++] = 0x5b; // [
    for (let i = 0; i < values.length; i++) {
      if (i) this.byte(0x2c); // ,
      this.byte(QUOTE);
      this.string(values[i]!, true);
      this.byte(QUOTE);
    }
    this.byte(0x5d); // ]
    return this;
  }

  /** Any value by its JavaScript type: null is NULL (\N), undefined an omitted String (''). */
  value(value: TsvValue | undefined): this {
    if (value === undefined) return this;
    if (value === null) return this.ascii('\\N');
    if (typeof value === 'string') return this.text(value);
    if (typeof value === 'number') return this.number(value);
    return this.array(value);
  }

  tab(): this {
    this.byte(TAB);
    return this;
  }

  endRow(): this {
    this.byte(LF);
    return this;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** The bytes written so far (a view: valid until the next write). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.pos);
  }

  /** Text that needs no escaping (numbers, \N). */
  private ascii(text: string): this {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.buffer[this.pos++] = text.charCodeAt(i);
    return this;
  }

  private byte(b: number): void {
    if (this.pos === this.buffer.length) this.reserve(1);
    this.buffer[this.pos++] = b;
  }

  /** ASCII is copied char by char, escaping as it goes; other text is escaped, then UTF-8 encoded. */
  private string(text: string, quoted: boolean): void {
    this.reserve(text.length * 2);
    const buffer = this.buffer;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = pos;
        this.utf8(escapeText(text.slice(i), quoted));
        return;
      }
      const letter = ESCAPE_LETTER[c]!;
      if (letter !== 0 || (quoted && c === QUOTE)) {
        buffer[pos++] = BACKSLASH;
        buffer[pos++] = letter || QUOTE;
      } else {
        buffer[pos++] = c;
      }
    }
    this.pos = pos;
  }

  private utf8(text: string): void {
    this.reserve(text.length * 3);
    this.pos += this.buffer.write(text, this.pos, 'utf8');
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.pos + bytes));
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', "'": "\\'" };

function escapeText(text: string, quoted: boolean): string {
  return text.replace(quoted ? /[\\'\t\n\r\0]/g : /[\\\t\n\r\0]/g, (c) => ESCAPES[c]!);
}

const UNESCAPED: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', '0': '\0' };

/** The fields of one TabSeparated line (no line feed) as written by TsvWriter.text, unescaped. */
export function readTsvFields(line: string): string[] {
  return line.split('\t').map((field) => (field.includes('\\') ? field.replace(/\\(.)/g, (_, c: string) => UNESCAPED[c] ?? c) : field));
}
