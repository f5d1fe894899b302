/**
 * Config values that parse but cannot work, refused at start with the key named (#13 item 11),
 * instead of failing later inside the money code or settling with a gap.
 */
import type { z } from 'zod';

/** At most `places` decimals, read from the number's shortest text as the money code reads it. */
export function atMostDecimals(places: number): [(n: number) => boolean, string] {
  const pattern = new RegExp(`^-?\\d+(\\.\\d{1,${places}})?$`);
  return [(n) => pattern.test(String(n)), `at most ${places} decimal places (the money code works in exact units)`];
}

/** Int64 nano-USD (the column type of budgets) ends at about 9.2 billion USD. */
export const MAX_BUDGET_USD = 9_000_000_000;

interface RuleInput {
  settle: { enabled: boolean; interval_seconds: number; lease_seconds: number; window_minutes: number; link_retention_days: number };
  retention_days: number;
  limits: { max_span_age_days?: number | undefined };
}

/** Rules across keys; each issue names the key to change. */
export function crossFieldRules(cfg: RuleInput, ctx: z.RefinementCtx): void {
  const s = cfg.settle;
  // A run may only start in the first half of its lease slot (settle/settle-lease.ts): ticking
  // less often than that can miss every first half, and settle would never run. Only `serve`
  // with settle enabled ticks; `tokenledger settle` runs once.
  if (s.enabled && s.interval_seconds * 2 > s.lease_seconds) {
    ctx.addIssue({ code: 'custom', path: ['settle', 'interval_seconds'], message: `must be at most half of settle.lease_seconds (${s.lease_seconds}), or runs can miss every slot` });
  }
  // Settle reads a trace's span links over its whole window; links dropped sooner leave calls unsettled.
  if (s.link_retention_days * 1_440 <= s.window_minutes) {
    ctx.addIssue({ code: 'custom', path: ['settle', 'link_retention_days'], message: `must cover settle.window_minutes (${s.window_minutes} minutes)` });
  }
  // A span older than what is kept is stored and dropped with its partition the next day.
  if (cfg.limits.max_span_age_days !== undefined && cfg.limits.max_span_age_days > cfg.retention_days) {
    ctx.addIssue({ code: 'custom', path: ['limits', 'max_span_age_days'], message: `must not exceed retention_days (${cfg.retention_days}): older calls would be dropped after they are billed` });
  }
}
