import type { QueryTime } from './grafana-macros.js';

/**
 * The few Grafana relative ranges our dashboards default to ('now', 'now-30d', 'now-6h', 'now/M'),
 * resolved in UTC the way Grafana does: 'now/M' as `from` is the month's first millisecond, as `to`
 * its last. The interval mimics Grafana's: the range over ~1000 points, at least a minute.
 */
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

function resolve(expr: string, now: Date, end: boolean): Date {
  if (expr === 'now') return now;
  const month = /^now\/M$/.exec(expr);
  if (month) {
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    return new Date(end ? Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - 1 : start);
  }
  const offset = /^now-(\d+)([mhd])$/.exec(expr);
  if (offset) return new Date(now.getTime() - Number(offset[1]) * UNITS[offset[2]!]!);
  throw new Error(`unsupported time expression ${expr}`);
}

export function resolveRange(range: { from: string; to: string }, now: Date): QueryTime {
  const from = resolve(range.from, now, false);
  const to = resolve(range.to, now, true);
  const intervalMs = Math.max(60_000, Math.round((to.getTime() - from.getTime()) / 1000 / 60_000) * 60_000);
  return { from, to, intervalMs };
}
