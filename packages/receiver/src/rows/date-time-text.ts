/** The text of a DateTime('UTC') column, shared by every row format. */
let lastSecond = Number.NaN;
let lastText = '';

const MS_PER_DAY = 86_400_000;
/** 10000-01-01: from there on toISOString writes a six-digit year. */
const FOUR_DIGIT_YEARS_END_MS = 253_402_300_800_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/**
 * 'YYYY-MM-DD hh:mm:ss' in UTC, the text form DateTime('UTC') columns read. The calls of one
 * request mostly share their second, so the last one is remembered.
 */
export function dateTimeTextOfMs(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = ms >= 0 && ms < FOUR_DIGIT_YEARS_END_MS ? civilText(ms) : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    lastSecond = second;
  }
  return lastText;
}

export const dateTimeText = (d: Date): string => dateTimeTextOfMs(d.getTime());

/**
 * The Gregorian date of a day count by Howard Hinnant's days_from_civil inverse
 * (https://howardhinnant.github.io/date_algorithms.html#civil_from_days): a call's timestamp
 * costs no Date object and no ISO string to cut up. Only for 1970..9999, where every step is a
 * small non-negative integer.
 */
function civilText(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const secondOfDay = Math.floor((ms - days * MS_PER_DAY) / 1000);
  const z = days + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const marchMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const day = dayOfYear - Math.floor((153 * marchMonth + 2) / 5) + 1;
  const month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
  const year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]} ${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[secondOfDay % 60]}`;
}

/** 'YYYY-MM-DD' in UTC, the text form Date columns read and the day a report is keyed by. */
export const dayText = (d: Date): string => d.toISOString().slice(0, 10);
