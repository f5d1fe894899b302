/** Typed errors with a stable `code`, the same shape as the receiver's (packages/receiver/src/errors.ts). */
export class TokenLedgerOtelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The figures the budgets endpoint reported, as decimal USD strings (never floats). */
export interface BudgetFigures {
  clientId: string;
  period: string;
  budgetUsd: string;
  spentUsd: string;
  remainingUsd: string;
  /** What calls of this process still in flight have reserved against `remainingUsd`. */
  reservedUsd: string;
  status: string;
  /**
   * Set when the budget that refused is on a scope beyond the client (docs/budgets.md): `account`,
   * `client=acme, project=chatbot`. Its money fields are '' when the receiver showed no figures.
   */
  scope?: string;
}

function refusal(f: BudgetFigures): string {
  if (f.scope === undefined) {
    return `client "${f.clientId}" is over its ${f.period} budget: spent ${f.spentUsd} of ${f.budgetUsd} USD, remaining ${f.remainingUsd}, reserved by calls in flight ${f.reservedUsd}`;
  }
  if (f.budgetUsd === '') return `the budget of scope ${f.scope} is used up for ${f.period} (hard cap): calls in that scope are refused`;
  return `the budget of scope ${f.scope} is over for ${f.period}: spent ${f.spentUsd} of ${f.budgetUsd} USD, remaining ${f.remainingUsd}, reserved by calls in flight ${f.reservedUsd}`;
}

/**
 * Thrown BEFORE the provider is called when a client with a hard cap is over budget, or when the
 * calls already in flight have reserved what remains; likewise for a hard-capped budget on a
 * scope that holds the call (`figures.scope`).
 */
export class BudgetExceededError extends TokenLedgerOtelError {
  readonly clientId: string;
  readonly figures: BudgetFigures;

  constructor(figures: BudgetFigures) {
    super('budget_exceeded', refusal(figures));
    this.clientId = figures.clientId;
    this.figures = figures;
  }
}

/** The budgets endpoint could not be asked or gave a bad answer, and the guard is fail-closed. */
export class BudgetUnavailableError extends TokenLedgerOtelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('budget_unavailable', message, options);
  }
}
