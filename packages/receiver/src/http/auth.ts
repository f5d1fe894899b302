import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiToken, AppConfig } from '../config/config-schema.js';
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

/**
 * The receiver's surfaces, each guarded on its own (design.md "Auth"): `ingest` is POST /v1/*,
 * `api` is /api/*, `portal` is /portal (signed in with an API token, so it takes the API's list).
 * A surface with no tokens of its own answers loopback peers only, whatever the listen address:
 * setting TOKENLEDGER_INGEST_TOKENS must not open the API to the network, nor the reverse (#13).
 */
export type Surface = 'ingest' | 'api' | 'portal';

export interface SurfaceAccess {
  surface: Surface;
  /** Empty: loopback only. */
  tokens: readonly ApiToken[];
  /** The variable that opens this surface to the network, named in refusals and at start. */
  variable: string;
}

export function surfaceAccess(server: AppConfig['server'], surface: Surface): SurfaceAccess {
  if (surface === 'ingest') {
    return { surface, tokens: server.ingestTokens.map((token) => ({ token, clientId: null })), variable: 'TOKENLEDGER_INGEST_TOKENS' };
  }
  return { surface, tokens: server.apiTokens, variable: 'TOKENLEDGER_API_TOKENS' };
}

export interface AccessRequest {
  authorization: string | undefined;
  /** The TCP peer; undefined for a request made in-process (app.request), which no network peer sent. */
  remoteAddress: string | undefined;
}

export type AccessDecision = { allowed: true; scopeClient: string | null } | { allowed: false; error: TokenLedgerError };

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

/** 127.0.0.0/8 and ::1, also in their IPv4-mapped IPv6 spelling. */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Which surface, which tokens, is this request allowed, and with which client scope. */
export function checkAccess(access: SurfaceAccess, request: AccessRequest): AccessDecision {
  if (access.tokens.length === 0) {
    if (request.remoteAddress === undefined || isLoopback(request.remoteAddress)) return { allowed: true, scopeClient: null };
    return { allowed: false, error: new ForbiddenError(`the ${access.surface} surface answers loopback only: ${access.variable} is not set`) };
  }
  const presented = bearer(request.authorization);
  const match = presented === null ? undefined : findToken(access.tokens, presented);
  return match ? { allowed: true, scopeClient: match.clientId } : { allowed: false, error: new UnauthorizedError() };
}

/** The peer address of a request served by @hono/node-server (its `env.incoming`). */
export function remoteAddressOf(c: Context): string | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress;
}

export type AuthVariables = { scopeClient: string | null };

/** Middleware for one surface: throws the refusal, or records the token's client scope. */
export function surfaceAuth(access: SurfaceAccess): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const decision = checkAccess(access, { authorization: c.req.header('authorization'), remoteAddress: remoteAddressOf(c) });
    if (!decision.allowed) throw decision.error;
    c.set('scopeClient', decision.scopeClient);
    await next();
  };
}

/** One line per surface for the start-up log: exactly what is open to whom. Never prints a token. */
export function describeAccess(server: AppConfig['server']): string[] {
  const line = (label: string, access: SurfaceAccess) => {
    if (access.tokens.length === 0) return `${label}: loopback only, no token (set ${access.variable} to open it to the network)`;
    const scoped = access.tokens.filter((t) => t.clientId !== null).length;
    const detail = scoped ? `${access.tokens.length - scoped} unscoped, ${scoped} client-scoped` : `${access.tokens.length}`;
    return `${label}: bearer token required on ${server.host} (${detail} token${access.tokens.length === 1 ? '' : 's'} from ${access.variable})`;
  };
  return [
    line('ingest POST /v1/traces', surfaceAccess(server, 'ingest')),
    line('API /api/v1/* and portal', surfaceAccess(server, 'api')),
    `public on ${server.host}: /healthz, /readyz, /metrics`,
  ];
}

/** A scoped token reads only its own client: asking for another is 403. Returns the client to filter by. */
export function enforceScope(scopeClient: string | null, requested: string | undefined): string | undefined {
  if (scopeClient === null) return requested;
  if (requested !== undefined && requested !== scopeClient) throw new ForbiddenError();
  return scopeClient;
}
