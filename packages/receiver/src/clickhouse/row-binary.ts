/**
 * ClickHouse's RowBinary input for the two column types the journal writes: a String is its
 * length (LEB128) and its bytes as they are, so a request's encoded lines go in with no escaping
 * and no base64 (TabSeparated would escape each of their tabs and line feeds).
 */
/** A String given in parts is their concatenation (written without joining them first). */
export type RowBinaryValue = { string: string | Uint8Array | readonly Uint8Array[] } | { dateTime: Date };

function leb128(n: number): Buffer {
  const out: number[] = [];
  for (; n > 0x7f; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

function encodeValue(v: RowBinaryValue): Buffer[] {
  if ('dateTime' in v) {
    const seconds = Buffer.allocUnsafe(4);
    seconds.writeUInt32LE(Math.floor(v.dateTime.getTime() / 1000));
    return [seconds];
  }
  const parts = typeof v.string === 'string' ? [Buffer.from(v.string, 'utf8')] : (Array.isArray(v.string) ? v.string : [v.string]).map((p: Uint8Array) => Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  return [leb128(parts.reduce((n, p) => n + p.byteLength, 0)), ...parts];
}

/** One buffer holding `rows`, each a list of values in the INSERT's column order. */
export function rowBinary(rows: readonly (readonly RowBinaryValue[])[]): Buffer {
  return Buffer.concat(rows.flatMap((row) => row.flatMap(encodeValue)));
}
