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

/** Asks the receiver for a client's budget; `undefined` when the client has no budget (404, or `budget_usd: null`). */
export async function fetchBudget(endpoint: BudgetEndpoint, client: string): Promise<BudgetStatus | undefined> {
  const url = `${endpoint.url.replace(/\/+$/, '')}/api/v1/budgets/${encodeURIComponent(client)}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (endpoint.token !== undefined) headers.authorization = `Bearer ${endpoint.token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(endpoint.timeoutMs ?? 2000) });
  } catch (error) {
    throw new BudgetUnavailableError(`cannot reach the budgets endpoint ${url}`, { cause: error });
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new BudgetUnavailableError(`budgets endpoint ${url} answered HTTP ${response.status}`);
  }
  try {
    const body: unknown = await response.json();
    return isWithoutBudget(body) ? undefined : parseBudgetStatus(body);
  } catch (error) {
    throw new BudgetUnavailableError(`budgets endpoint ${url} gave a bad answer`, { cause: error });
  }
}
