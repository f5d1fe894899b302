import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ApiToken } from '../config/config-schema.js';
import { TokenLedgerError } from '../errors.js';

export class UnauthorizedError extends TokenLedgerError {
  constructor() {
    super('unauthorized', 'a valid bearer token is required');
  }
}

export class ForbiddenError extends TokenLedgerError {
  constructor(message = 'this token may not read that client') {
    super('forbidden', message);
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bearer(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1]! : null;
}

/** The configured token equal to `presented` (compared in constant time), if any: the portal's sign-in reuses it. */
export function findToken(tokens: readonly ApiToken[], presented: string): ApiToken | undefined {
  return tokens.find((t) => sameToken(t.token, presented));
}

export type AuthVariables = { scopeClient: string | null };

/** Checks a bearer token against `tokens` when any are configured; records a client scope if the token has one. */
export function bearerAuth(tokens: readonly ApiToken[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    c.set('scopeClient', null);
    if (tokens.length > 0) {
      const presented = bearer(c.req.header('authorization'));
      const match = presented === null ? undefined : tokens.find((t) => sameToken(t.token, presented));
      if (!match) throw new UnauthorizedError();
      c.set('scopeClient', match.clientId);
    }
    await next();
  };
}

/** A scoped token reads only its own client: asking for another is 403. Returns the client to filter by. */
export function enforceScope(scopeClient: string | null, requested: string | undefined): string | undefined {
  if (scopeClient === null) return requested;
  if (requested !== undefined && requested !== scopeClient) throw new ForbiddenError();
  return scopeClient;
}
