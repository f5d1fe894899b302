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
}

/**
 * Thrown BEFORE the provider is called when a client with a hard cap is over budget, or when the
 * calls already in flight have reserved what remains.
 */
export class BudgetExceededError extends TokenLedgerOtelError {
  readonly clientId: string;
  readonly figures: BudgetFigures;

  constructor(figures: BudgetFigures) {
    super(
      'budget_exceeded',
      `client "${figures.clientId}" is over its ${figures.period} budget: spent ${figures.spentUsd} of ${figures.budgetUsd} USD, remaining ${figures.remainingUsd}, reserved by calls in flight ${figures.reservedUsd}`,
    );
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
