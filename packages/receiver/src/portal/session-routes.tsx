/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiToken, PortalConfig } from '../config/config-schema.js';
import { findToken } from '../http/auth.js';
import { clearSessionCookie, currentSession, peerAddress, setSessionCookie, signInCsrf } from './portal-access.js';
import { renderMessage, renderPage } from './render-page.js';
import { randomId, type SessionStore } from './session-store.js';
import { SignInPage } from './sign-in-page.js';
import type { SignInLimiter } from './sign-in-limiter.js';

export interface SessionRouteDeps {
  portal: PortalConfig;
  apiTokens: readonly ApiToken[];
  sessions: SessionStore;
  limiter: SignInLimiter;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** GET/POST /portal/sign-in and POST /portal/sign-out: an API token in a form, exchanged for a session cookie. */
export function sessionRoutes(deps: SessionRouteDeps): Hono {
  const app = new Hono();
  const open = deps.apiTokens.length === 0;
  const small = bodyLimit({ maxSize: 8_192, onError: (c) => renderMessage(c, deps.portal, 413, 'Too large', 'The form was too large.') });

  app.get('/portal/sign-in', (c) => {
    if (open || currentSession(c, deps.sessions)) return c.redirect('/portal', 303);
    return renderPage(c, deps.portal, 200, 'Sign in', <SignInPage csrf={signInCsrf(c, randomId)} />);
  });

  app.post('/portal/sign-in', small, async (c) => {
    if (open) return c.redirect('/portal', 303);
    const address = peerAddress(c) ?? 'unknown';
    const wait = deps.limiter.waitMs(address);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return renderMessage(c, deps.portal, 429, 'Too many attempts', 'Too many failed sign-ins from this address. Wait a minute and try again.');
    }
    const form = await c.req.parseBody();
    const csrf = signInCsrf(c, randomId);
    if (typeof form.csrf !== 'string' || !sameText(form.csrf, csrf)) {
      return renderPage(c, deps.portal, 403, 'Sign in', <SignInPage csrf={csrf} error="The form expired. Please sign in again." />);
    }
    const match = typeof form.token === 'string' ? findToken(deps.apiTokens, form.token.trim()) : undefined;
    if (!match) {
      deps.limiter.fail(address);
      return renderPage(c, deps.portal, 401, 'Sign in', <SignInPage csrf={csrf} error="That token is not valid." />);
    }
    setSessionCookie(c, deps.sessions.create(match.clientId));
    return c.redirect('/portal', 303);
  });

  app.post('/portal/sign-out', small, async (c) => {
    const session = currentSession(c, deps.sessions);
    const form = await c.req.parseBody();
    if (session && !(typeof form.csrf === 'string' && sameText(form.csrf, session.csrf))) {
      return renderMessage(c, deps.portal, 403, 'Not signed out', 'The form expired. Reload the page and sign out again.');
    }
    if (session) deps.sessions.delete(session.id);
    clearSessionCookie(c);
    return c.redirect(open ? '/portal' : '/portal/sign-in', 303);
  });

  return app;
}
