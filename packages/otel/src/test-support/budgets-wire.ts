import type { FakeReply, RecordedRequest } from './fake-server.js';

interface Figures {
  budget: string;
  spent: string;
  remaining: string;
  status: 'ok' | 'warning' | 'exceeded';
  hardCap: boolean;
}

/** A budget answer shaped like the receiver's `GET /api/v1/budgets/:client` (money as strings). */
export function budget(client: string, f: Figures) {
  return {
    client,
    period: '2026-11',
    budget_usd: f.budget,
    spent_usd: f.spent,
    remaining_usd: f.remaining,
    used_pct: f.status === 'ok' ? '10.00' : '100.00',
    status: f.status,
    hard_cap: f.hardCap,
    projected_usd: f.spent,
  };
}

/** Serves `answers` by client id; "broken" answers 500, unknown clients 404 (no budget). */
export function budgetsReply(answers: Record<string, unknown>) {
  return (req: RecordedRequest): FakeReply => {
    const match = /^\/api\/v1\/budgets\/([^/?]+)$/.exec(req.path);
    if (match === null) return { status: 404, json: { error: { code: 'not_found', message: 'no route' } } };
    const client = decodeURIComponent(match[1]!);
    if (client === 'broken') return { status: 500, json: { error: { code: 'store_unavailable', message: 'down' } } };
    const answer = answers[client];
    if (answer === undefined) return { status: 404, json: { error: { code: 'not_found', message: 'no budget' } } };
    return { json: answer };
  };
}
