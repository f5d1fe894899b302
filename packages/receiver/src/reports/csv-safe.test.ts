import { describe, expect, it } from 'vitest';
import { neutraliseCell, safeCsv } from './csv-safe.js';

describe('CSV cells a spreadsheet would run', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['+1+cmd', "'+1+cmd"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
  ])('neutralises %j', (cell, expected) => expect(neutraliseCell(cell)).toBe(expected));

  it.each(['-0.003250000', '-12', '+5', '1e3', 'acme', 'gpt-4o', 'a=b', ''])('leaves %j as it is', (cell) => expect(neutraliseCell(cell)).toBe(cell));

  it('quotes per RFC 4180 after neutralising, numbers untouched', () => {
    expect(safeCsv([['=1,2', -3, '-3.50', 'x']])).toBe(`"'=1,2",-3,-3.50,x\n`);
  });
});
