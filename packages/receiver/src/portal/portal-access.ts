import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isLoopback as isLoopbackAddress, remoteAddressOf } from '../http/auth.js';
import { SESSION_TTL_MS, type Session, type SessionStore } from './session-store.js';

const SESSION_COOKIE = 'tokenledger_session';
const CSRF_COOKIE = 'tokenledger_csrf';

/** Who is looking: a session, or (no API tokens configured) anyone on loopback, as the operator. */
export interface Viewer {
  scopeClient: string | null;
  session: Session | null;
}

/** The socket's peer address (never a forwarded header: anyone can write those). */
export function peerAddress(c: Context): string | null {
  return remoteAddressOf(c) ?? null;
}

/** A page with no socket peer (made in-process) is not taken for loopback: the portal is stricter than the API here. */
export function isLoopback(address: string | null): boolean {
  return address !== null && isLoopbackAddress(address);
}

/** Behind a TLS-terminating proxy the request arrives as http with X-Forwarded-Proto: https. */
function overHttps(c: Context): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return new URL(c.req.url).protocol === 'https:' || forwarded === 'https';
}

const cookieOptions = (c: Context, maxAgeSeconds: number) =>
  ({ path: '/portal', httpOnly: true, sameSite: 'Strict', secure: overHttps(c), maxAge: maxAgeSeconds }) as const;

export function setSessionCookie(c: Context, session: Session): void {
  setCookie(c, SESSION_COOKIE, session.id, cookieOptions(c, SESSION_TTL_MS / 1000));
  deleteCookie(c, CSRF_COOKIE, { path: '/portal', secure: overHttps(c) });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/portal', secure: overHttps(c) });
}

/** The sign-in form's CSRF value: kept in its own cookie (double submit) until a session exists. */
export function signInCsrf(c: Context, fresh: () => string): string {
  const existing = getCookie(c, CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const value = fresh();
  setCookie(c, CSRF_COOKIE, value, cookieOptions(c, 3_600));
  return value;
}

export function currentSession(c: Context, sessions: SessionStore): Session | null {
  return sessions.get(getCookie(c, SESSION_COOKIE));
}
