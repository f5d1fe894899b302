/** The text of a DateTime('UTC') column, shared by every row format. */
let lastSecond = Number.NaN;
let lastText = '';

/**
 * 'YYYY-MM-DD hh:mm:ss' in UTC, the text form DateTime('UTC') columns read. The calls of one
 * request mostly share their second, so the last one is remembered.
 */
export function dateTimeText(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = d.toISOString().slice(0, 19).replace('T', ' ');
    lastSecond = second;
  }
  return lastText;
}

/** 'YYYY-MM-DD' in UTC, the text form Date columns read and the day a report is keyed by. */
export const dayText = (d: Date): string => d.toISOString().slice(0, 10);
