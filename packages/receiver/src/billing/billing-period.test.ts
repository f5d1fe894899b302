import { describe, expect, it } from 'vitest';
import { periodAt, periodFromLabel, previousPeriod } from './billing-period.js';

describe('billing periods', () => {
  it('are calendar months in UTC, the end exclusive', () => {
    const nov = periodFromLabel('2026-11');
    expect([nov.start.toISOString(), nov.end.toISOString()]).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    expect(periodAt(new Date('2026-11-30T23:59:59Z')).label).toBe('2026-11');
    expect(periodAt(new Date('2026-12-01T00:00:00Z')).label).toBe('2026-12');
  });

  it('cross the year backwards and forwards', () => {
    expect(previousPeriod(periodFromLabel('2026-01')).label).toBe('2025-12');
    expect(periodFromLabel('2026-12').end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('start on the configured day of the month', () => {
    const p = periodFromLabel('2026-11', 15);
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual(['2026-11-15T00:00:00.000Z', '2026-12-15T00:00:00.000Z']);
    expect(periodAt(new Date('2026-11-14T23:59:59Z'), 15).label).toBe('2026-10');
    expect(periodAt(new Date('2026-11-15T00:00:00Z'), 15).label).toBe('2026-11');
  });

  it.each(['2026-13', '2026-1', 'nov', '2026-11-01'])('refuses %s as a period', (text) => {
    expect(() => periodFromLabel(text)).toThrow(/period: expected YYYY-MM/);
  });
});
