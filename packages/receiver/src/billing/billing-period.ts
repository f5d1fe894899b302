import { InvalidRequestError } from '../errors.js';
import { EARLIEST_INSTANT, LATEST_INSTANT } from '../reports/report-range.js';

/**
 * A billing period: a month in UTC that starts on the client's `period_start_day` (1 = calendar
 * months). Its label is the YYYY-MM of the month it starts in; `end` is exclusive, so a call at
 * 23:59:59 on the last day belongs to this period and one at 00:00:00 to the next.
 */
export interface BillingPeriod {
  label: string;
  start: Date;
  end: Date;
}

const LABEL = /^(\d{4})-(0[1-9]|1[0-2])$/;

function labelOf(year: number, monthIndex: number): string {
  const d = new Date(Date.UTC(year, monthIndex, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function build(year: number, monthIndex: number, startDay: number): BillingPeriod {
  return {
    label: labelOf(year, monthIndex),
    start: new Date(Date.UTC(year, monthIndex, startDay)),
    end: new Date(Date.UTC(year, monthIndex + 1, startDay)),
  };
}

/** `2026-11` -> the period that starts in November 2026. Bad text is a 400 naming the parameter. */
export function periodFromLabel(text: string, startDay = 1): BillingPeriod {
  const match = LABEL.exec(text);
  if (!match) throw new InvalidRequestError(`period: expected YYYY-MM, got ${JSON.stringify(text)}`);
  const period = build(Number(match[1]), Number(match[2]) - 1, startDay);
  // DateTime holds 1970 to 2105 (reports/report-range.ts): outside, a report would come back silently empty.
  if (period.start < EARLIEST_INSTANT || period.end > LATEST_INSTANT) throw new InvalidRequestError(`period: ${text} is outside what the store holds (1970-01 to 2105-11)`);
  return period;
}

/** The period an instant falls in. */
export function periodAt(instant: Date, startDay = 1): BillingPeriod {
  const year = instant.getUTCFullYear();
  const month = instant.getUTCMonth();
  return instant.getUTCDate() >= startDay ? build(year, month, startDay) : build(year, month - 1, startDay);
}

export function previousPeriod(period: BillingPeriod, startDay = 1): BillingPeriod {
  return build(period.start.getUTCFullYear(), period.start.getUTCMonth() - 1, startDay);
}

/** 'YYYY-MM-DD hh:mm:ss' (how CallRow carries its UTC timestamp) as a Date. */
export function rowInstant(timestamp: string): Date {
  return new Date(`${timestamp.replace(' ', 'T')}Z`);
}
