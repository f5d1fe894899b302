import { describe, expect, it } from 'vitest';
import { readTsvFields, TsvWriter } from './tsv-rows.js';

const text = (w: TsvWriter) => w.bytes().toString('utf8');

describe('TabSeparated bytes', () => {
  it('escapes backslash, tab, line feed, carriage return and NUL in strings', () => {
    expect(text(new TsvWriter().text('a\\b\tc\nd\re\0f'))).toBe('a\\\\b\\tc\\nd\\re\\0f');
    expect(text(new TsvWriter().text("it's [x]"))).toBe("it's [x]");
  });

  it('escapes the same way after non-ASCII text, which is written as UTF-8', () => {
    expect(new TsvWriter().text('ü\tß\\😀').bytes()).toEqual(Buffer.from('ü\\tß\\\\😀', 'utf8'));
    expect(text(new TsvWriter().text('ok ünï\n'))).toBe('ok ünï\\n');
  });

  it('writes arrays of quoted strings with quotes and backslashes escaped', () => {
    expect(text(new TsvWriter().array([]))).toBe('[]');
    expect(text(new TsvWriter().array(["a'b", 'c\\d', "é\t'"]))).toBe("['a\\'b','c\\\\d','é\\t\\'']");
  });

  it('writes NULL as \\N, numbers as digits, and refuses numbers ClickHouse cannot read', () => {
    const w = new TsvWriter().value(null).tab().value(42).tab().value(undefined).tab().value(1.5).endRow();
    expect(text(w)).toBe('\\N\t42\t\t1.5\n');
    expect(() => new TsvWriter().number(Number.NaN)).toThrow(/finite/);
  });

  it('reads back the strings it wrote, field by field', () => {
    const values = ['a\\b\tc\nd\re\0f', 'ü\tß\\😀', '', 'plain', '\\t is not a tab'];
    const w = new TsvWriter();
    values.forEach((v, i) => (i ? w.tab().text(v) : w.text(v)));
    expect(readTsvFields(text(w))).toEqual(values);
  });

  it('grows past its first buffer without losing bytes', () => {
    const long = 'x'.repeat(5000);
    const w = new TsvWriter(16);
    for (let i = 0; i < 100; i++) w.text(long).tab().text('ü'.repeat(700)).endRow();
    expect(text(w)).toBe(`${long}\t${'ü'.repeat(700)}\n`.repeat(100));
  });
});
