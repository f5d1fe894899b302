import { z } from 'zod';

/**
 * `from` and `to` of every report: ISO 8601 dates or instants in UTC, `to` exclusive
 * (design.md "Reports API"). A date means its midnight UTC; an instant without an offset is UTC.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;

/**
 * The instants the store can hold: DateTime is seconds since 1970 in a UInt32, and 18.16's date
 * functions end with 2105, so a report reaching 2106 would silently come back empty (#13 item 9).
 */
export const EARLIEST_INSTANT = new Date('1970-01-01T00:00:00Z');
export const LATEST_INSTANT = new Date('2105-12-31T23:59:59Z');

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Why the fields of an ISO text are not a real date and time (Date would roll 02-30 into March). */
function fieldProblem(m: RegExpExecArray): string | undefined {
  const [year, month, day, hour = 0, minute = 0, second = 0] = [1, 2, 3, 4, 5, 6].map((i) => (m[i] === undefined ? undefined : Number(m[i])));
  if (month! < 1 || month! > 12) return 'no such month';
  if (day! < 1 || day! > daysIn(year!, month!)) return 'no such day in that month';
  if (hour! > 23 || minute! > 59 || second! > 59) return 'no such time of day';
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return 'no such UTC offset';
  return undefined;
}

export const isoInstant = z
  .string()
  .regex(ISO, 'an ISO 8601 date (2026-11-01) or instant (2026-11-01T12:00:00Z)')
  .transform((text, ctx) => {
    const match = ISO.exec(text)!;
    const hasTime = match[4] !== undefined;
    const date = new Date(hasTime ? (match[7] ? text : `${text.replace(' ', 'T')}Z`) : `${text}T00:00:00Z`);
    const problem = fieldProblem(match) ?? (Number.isNaN(date.getTime()) ? 'unreadable' : undefined);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `not a real date: ${text} (${problem})` });
      return z.NEVER;
    }
    if (date < EARLIEST_INSTANT || date > LATEST_INSTANT) {
      ctx.addIssue({ code: 'custom', message: `${text} is outside what the store holds (1970-01-01 to 2105-12-31T23:59:59Z)` });
      return z.NEVER;
    }
    return date;
  });

export const rangeSchema = z
  .object({ from: isoInstant, to: isoInstant })
  // zod runs this even when a field failed above, so only compare two real dates.
  .refine((r) => !(r.from instanceof Date && r.to instanceof Date) || r.from.getTime() < r.to.getTime(), {
    message: '`from` must be before `to`',
    path: ['to'],
  });

export type ReportRange = z.infer<typeof rangeSchema>;

/** Default window for the CLI: this calendar month so far, in UTC. */
export function thisMonth(now: Date): { from: string; to: string } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}
