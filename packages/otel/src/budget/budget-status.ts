import { usdToNanos } from './usd.js';

/** `GET /api/v1/budgets/:client` (design.md "HTTP surface"); money as decimal strings. */
export interface BudgetStatus {
  client: string;
  period: string;
  budget_usd: string;
  spent_usd: string;
  remaining_usd: string;
  used_pct: number | string;
  status: 'ok' | 'warning' | 'exceeded';
  hard_cap: boolean;
  projected_usd: string;
}

function money(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  // Tolerate a JSON number, but carry it as its decimal text so nothing is computed in floats.
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') throw new TypeError(`budget answer: ${key} is missing or not money`);
  usdToNanos(text);
  return text;
}

/**
 * The receiver answers 200 with `budget_usd: null` (and `remaining_usd: null`) for a client it
 * knows without a monthly budget (packages/receiver/src/billing/budget-status.ts); like a 404,
 * that means there is nothing to enforce.
 */
export function isWithoutBudget(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).budget_usd === null;
}

/** Checks the parts the guard relies on; the others are passed along as they came. */
export function parseBudgetStatus(body: unknown): BudgetStatus {
  if (typeof body !== 'object' || body === null) throw new TypeError('budget answer is not a JSON object');
  const b = body as Record<string, unknown>;
  const status = b.status;
  if (status !== 'ok' && status !== 'warning' && status !== 'exceeded') {
    throw new TypeError(`budget answer: bad status ${JSON.stringify(status)}`);
  }
  if (typeof b.hard_cap !== 'boolean') throw new TypeError('budget answer: hard_cap is not a boolean');
  return {
    client: String(b.client ?? ''),
    period: String(b.period ?? ''),
    budget_usd: money(b, 'budget_usd'),
    spent_usd: money(b, 'spent_usd'),
    remaining_usd: money(b, 'remaining_usd'),
    used_pct: typeof b.used_pct === 'number' || typeof b.used_pct === 'string' ? b.used_pct : '',
    status,
    hard_cap: b.hard_cap,
    projected_usd: b.projected_usd === undefined || b.projected_usd === null ? '' : String(b.projected_usd),
  };
}
