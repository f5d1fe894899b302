import { z } from 'zod';

/**
 * `from` and `to` of every report: ISO 8601 dates or instants in UTC, `to` exclusive
 * (design.md "Reports API"). A date means its midnight UTC; an instant without an offset is UTC.
 */
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export const isoInstant = z
  .string()
  .regex(ISO, 'an ISO 8601 date (2026-11-01) or instant (2026-11-01T12:00:00Z)')
  .transform((text, ctx) => {
    const hasTime = text.length > 10;
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(text);
    const date = new Date(hasTime ? (hasZone ? text : `${text.replace(' ', 'T')}Z`) : `${text}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not a real date: ${text}` });
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
