import { describe, expect, it } from 'vitest';
import { prng } from '../../../../test/support/seeded-random.js';
import { dateTimeText, dateTimeTextOfMs } from './date-time-text.js';

const DAY = 86_400_000;
/** What the text was made from before dateTimeTextOfMs: the Date's own ISO string. */
const viaDate = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** One expect over all values: an expect per value would take seconds. */
function expectSameText(values: Iterable<number>): void {
  const differ: Array<[number, string]> = [];
  for (const ms of values) if (dateTimeTextOfMs(ms) !== viaDate(ms)) differ.push([ms, dateTimeTextOfMs(ms)]);
  expect(differ).toEqual([]);
}

describe('dateTimeTextOfMs', () => {
  it('writes the DateTime text of an instant', () => {
    expect(dateTimeTextOfMs(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe('2024-02-29 23:59:59');
    expect(dateTimeText(new Date('2026-12-03T07:05:09.5Z'))).toBe('2026-12-03 07:05:09');
  });

  it('matches the Date path at both edges of every day from 1970 to 2400 (leap years and centuries included)', () => {
    function* edges() {
      for (let day = 0; day < 157_000; day++) {
        yield day * DAY;
        yield day * DAY + 999;
        yield (day + 1) * DAY - 1;
        yield (day + 1) * DAY - 1000;
      }
    }
    expectSameText(edges());
  });

  it('matches the Date path on random instants up to year 9999, and past either end of that range', () => {
    const rand = prng(0xda7e);
    expectSameText(Array.from({ length: 200_000 }, () => Math.floor(rand() * 253_402_300_800_000)));
    expectSameText([253_402_300_799_999, 253_402_300_800_000, 8.64e15, -1, -DAY, -62_135_596_800_000, -8.64e15]);
  });

  it('throws on an invalid instant, as toISOString does', () => {
    expect(() => dateTimeTextOfMs(Number.NaN)).toThrow(RangeError);
  });
});
