import type { BudgetStatus, Invoice } from '../billing/index.js';
import { TokenLedgerError } from '../errors.js';
import type { GroupKey, UsageReport } from '../reports/index.js';
import type { PluginContext } from '../server/receiver.js';

/** An API answer other than 2xx, carried with the API's own code and status. */
export class PortalApiError extends TokenLedgerError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

/** design.md "Reconciliation": only the fields the operator view shows. */
export interface ReconciliationRow {
  client?: string;
  provider_cost_usd: string | null;
  tracked_cost_usd: string;
  drift_usd: string | null;
  drift_pct: string | null;
  status: string;
}

export interface Range {
  from: string;
  to: string;
}

/**
 * The reports, invoices and budgets API as the portal reads it: every figure on a page is the
 * JSON of these routes, run in-process as the session's scope (server/in-process-api.ts).
 */
export class PortalApi {
  constructor(private readonly call: PluginContext['callApi']) {}

  usage(scope: string | null, range: Range, groupBy: GroupKey, client?: string): Promise<UsageReport> {
    const query = new URLSearchParams({ ...range, group_by: groupBy, ...(client === undefined ? {} : { client }) });
    return this.json(`/usage?${query}`, scope);
  }

  invoice(scope: string | null, client: string, period?: string): Promise<Invoice> {
    return this.json(`/invoices/${encodeURIComponent(client)}${period ? `?period=${encodeURIComponent(period)}` : ''}`, scope);
  }

  budget(scope: string | null, client: string): Promise<BudgetStatus> {
    return this.json(`/budgets/${encodeURIComponent(client)}`, scope);
  }

  async budgets(scope: string | null): Promise<BudgetStatus[]> {
    return (await this.json<{ budgets: BudgetStatus[] }>('/budgets', scope)).budgets;
  }

  /** Drift per client, or null while this receiver has no reconciliation API (route not found). */
  async reconciliation(scope: string | null, range: Range): Promise<ReconciliationRow[] | null> {
    const res = await this.call(`/reconciliation?${new URLSearchParams({ ...range, group_by: 'client' })}`, scope);
    if (res.status === 404) return null;
    return (await this.read<{ rows: ReconciliationRow[] }>(res)).rows;
  }

  /** A file route (invoice PDF/CSV, per-call CSV) answered as the API answers it. */
  async file(scope: string | null, path: string): Promise<Response> {
    const res = await this.call(path, scope);
    if (!res.ok) await this.read(res);
    return res;
  }

  private async json<T>(path: string, scope: string | null): Promise<T> {
    return this.read<T>(await this.call(path, scope));
  }

  private async read<T>(res: Response): Promise<T> {
    const body = (await res.json()) as T & { error?: { code: string; message: string } };
    if (!res.ok) throw new PortalApiError(res.status, body.error?.code ?? 'internal', body.error?.message ?? `API answered ${res.status}`);
    return body;
  }
}
