import { BudgetUnavailableError } from '../errors.js';
import { isWithoutBudget, parseBudgetStatus, type BudgetStatus } from './budget-status.js';

export interface BudgetEndpoint {
  /** The receiver's base URL, e.g. `http://tokenledger:4318`. */
  url: string;
  /** A bearer token for `/api/*` (TOKENLEDGER_API_TOKENS on the receiver). */
  token?: string;
  /** Give up on a slow answer after this long (default 2000 ms). */
  timeoutMs?: number;
}

/**
 * GET `{url}/api/v1/{path}` as JSON; undefined for a 404. Every other failure is a
 * BudgetUnavailableError naming the URL (the guard decides whether that lets calls through).
 */
export async function getBudgetsJson<T>(endpoint: BudgetEndpoint, path: string, read: (body: unknown) => T): Promise<T | undefined> {
  const url = `${endpoint.url.replace(/\/+$/, '')}/api/v1/${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (endpoint.token !== undefined) headers.authorization = `Bearer ${endpoint.token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(endpoint.timeoutMs ?? 2000) });
  } catch (error) {
    throw new BudgetUnavailableError(`cannot reach the budgets endpoint ${url}`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    if (response.status === 404) return undefined;
    throw new BudgetUnavailableError(`budgets endpoint ${url} answered HTTP ${response.status}`);
  }
  try {
    return read(await response.json());
  } catch (error) {
    throw new BudgetUnavailableError(`budgets endpoint ${url} gave a bad answer`, { cause: error });
  }
}

/** Asks the receiver for a client's budget; `undefined` when the client has no budget (404, or `budget_usd: null`). */
export async function fetchBudget(endpoint: BudgetEndpoint, client: string): Promise<BudgetStatus | undefined> {
  return getBudgetsJson(endpoint, `budgets/${encodeURIComponent(client)}`, (body) => (isWithoutBudget(body) ? undefined : parseBudgetStatus(body)));
}
