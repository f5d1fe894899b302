import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiToken, PortalConfig } from '../config/config-schema.js';
import { InvalidRequestError } from '../errors.js';
import { findToken, ForbiddenError } from '../http/auth.js';
import { statusFor } from '../http/error-handler.js';
import { ClientView } from './client-view.js';
import { loadClientView } from './client-view-data.js';
import { Layout } from './layout.js';
import { OperatorView } from './operator-view.js';
import { loadOperatorView } from './operator-view-data.js';
import { PortalApiError, type PortalApi } from './portal-api.js';
import { clearSessionCookie, currentSession, isLoopback, peerAddress, setSessionCookie, signInCsrf, type Viewer } from './portal-access.js';
import { portalCss } from './portal-style.js';
import { MessagePage, SignInPage } from './sign-in-page.js';
import { randomId, type SessionStore } from './session-store.js';
import type { SignInLimiter } from './sign-in-limiter.js';

export interface PortalDeps {
  portal: PortalConfig;
  apiTokens: readonly ApiToken[];
  api: PortalApi;
  sessions: SessionStore;
  limiter: SignInLimiter;
  now(): Date;
  log: { write(text: string): void };
}

type Env = { Variables: { viewer: Viewer } };

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const FILES = { 'invoice.pdf': 'pdf', 'invoice.csv': 'csv' } as const;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function periodParam(c: Context): string | undefined {
  const period = c.req.query('period');
  if (period === undefined || period === '') return undefined;
  if (!PERIOD.test(period)) throw new InvalidRequestError('period: expected YYYY-MM');
  return period;
}

function securityHeaders(portal: PortalConfig): Record<string, string> {
  const logo = portal.logo_url ? ` ${new URL(portal.logo_url).origin}` : '';
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'self'; img-src 'self'${logo}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}

/** GET /portal and below (design.md "Portal"): sign-in, the operator overview, client pages, files. */
export function portalRoutes(deps: PortalDeps): Hono {
  const app = new Hono<Env>();
  const open = deps.apiTokens.length === 0;
  const headers = securityHeaders(deps.portal);
  const css = portalCss(deps.portal);

  const render = (c: Context, status: ContentfulStatusCode, title: string, body: Child) => {
    const session = (c.get('viewer') as Viewer | undefined)?.session;
    return c.html(html`<!doctype html>${<Layout portal={deps.portal} page={title} signOutCsrf={session?.csrf}>{body}</Layout>}`, status);
  };
  const message = (c: Context, status: ContentfulStatusCode, title: string, text: string) => render(c, status, title, <MessagePage title={title} message={text} />);

  app.use('/portal/*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  });
  app.use('/portal', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  });

  app.get('/portal/portal.css', (c) => c.body(css, 200, { 'Content-Type': 'text/css; charset=utf-8' }));

  app.get('/portal/sign-in', (c) => {
    if (open || currentSession(c, deps.sessions)) return c.redirect('/portal', 303);
    return render(c, 200, 'Sign in', <SignInPage csrf={signInCsrf(c, randomId)} />);
  });

  app.post('/portal/sign-in', bodyLimit({ maxSize: 8_192, onError: (c) => message(c, 413, 'Too large', 'The sign-in form was too large.') }), async (c) => {
    if (open) return c.redirect('/portal', 303);
    const address = peerAddress(c) ?? 'unknown';
    const wait = deps.limiter.waitMs(address);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return message(c, 429, 'Too many attempts', 'Too many failed sign-ins from this address. Wait a minute and try again.');
    }
    const form = await c.req.parseBody();
    const csrf = signInCsrf(c, randomId);
    if (typeof form.csrf !== 'string' || !sameText(form.csrf, csrf)) {
      return render(c, 403, 'Sign in', <SignInPage csrf={csrf} error="The form expired. Please sign in again." />);
    }
    const match = typeof form.token === 'string' ? findToken(deps.apiTokens, form.token.trim()) : undefined;
    if (!match) {
      deps.limiter.fail(address);
      return render(c, 401, 'Sign in', <SignInPage csrf={csrf} error="That token is not valid." />);
    }
    setSessionCookie(c, deps.sessions.create(match.clientId));
    return c.redirect('/portal', 303);
  });

  app.post('/portal/sign-out', bodyLimit({ maxSize: 8_192, onError: (c) => message(c, 413, 'Too large', 'The form was too large.') }), async (c) => {
    const session = currentSession(c, deps.sessions);
    const form = await c.req.parseBody();
    if (session && !(typeof form.csrf === 'string' && sameText(form.csrf, session.csrf))) {
      return message(c, 403, 'Not signed out', 'The form expired. Reload the page and sign out again.');
    }
    if (session) deps.sessions.delete(session.id);
    clearSessionCookie(c);
    return c.redirect(open ? '/portal' : '/portal/sign-in', 303);
  });

  // Everything below needs a viewer: a session, or loopback while no API tokens are set.
  const viewer = async (c: Context<Env>, next: () => Promise<void>) => {
    if (open) {
      if (!isLoopback(peerAddress(c))) return message(c, 403, 'Not available', 'With no API tokens configured the portal is open on loopback only.');
      c.set('viewer', { scopeClient: null, session: null });
      return next();
    }
    const session = currentSession(c, deps.sessions);
    if (!session) return c.redirect('/portal/sign-in', 303);
    c.set('viewer', { scopeClient: session.scopeClient, session });
    return next();
  };
  app.use('/portal', viewer);
  app.use('/portal/clients/*', viewer);

  app.get('/portal', async (c) => {
    const { scopeClient } = c.get('viewer');
    if (scopeClient !== null) return c.redirect(`/portal/clients/${encodeURIComponent(scopeClient)}`, 303);
    const data = await loadOperatorView(deps.api, periodParam(c), deps.now());
    return render(c, 200, 'All clients', <OperatorView data={data} now={deps.now()} />);
  });

  /** The client of the path, once the viewer may read it: a scoped session asking for another gets 403. */
  const allowedClient = (c: Context<Env>) => {
    const id = c.req.param('client')!;
    const { scopeClient } = c.get('viewer');
    if (scopeClient !== null && scopeClient !== id) throw new ForbiddenError();
    return { id, scope: scopeClient };
  };

  app.get('/portal/clients/:client', async (c) => {
    const { id, scope } = allowedClient(c);
    const data = await loadClientView(deps.api, scope, id, periodParam(c), deps.now());
    return render(c, 200, data.invoice.client_name, <ClientView data={data} operator={scope === null} />);
  });

  app.get('/portal/clients/:client/:file{invoice\\.pdf|invoice\\.csv|calls\\.csv}', async (c) => {
    const { id, scope } = allowedClient(c);
    const period = periodParam(c);
    const file = c.req.param('file') as keyof typeof FILES | 'calls.csv';
    let path: string;
    if (file === 'calls.csv') {
      const invoice = await deps.api.invoice(scope, id, period);
      path = `/export?${new URLSearchParams({ from: invoice.period_start, to: invoice.period_end, client: id })}`;
    } else {
      path = `/invoices/${encodeURIComponent(id)}?${new URLSearchParams({ format: FILES[file], ...(period ? { period } : {}) })}`;
    }
    const res = await deps.api.file(scope, path);
    return new Response(res.body, { status: 200, headers: { 'Content-Type': res.headers.get('content-type')!, 'Content-Disposition': res.headers.get('content-disposition')! } });
  });

  app.get('/portal/', (c) => c.redirect('/portal', 301));

  app.onError((err, c) => {
    const status = err instanceof PortalApiError ? (err.status as ContentfulStatusCode) : statusFor(err);
    if (status === 403) return message(c, 403, 'Not allowed', 'You may not view this page.');
    if (status >= 500) {
      deps.log.write(`portal: internal error on ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}\n`);
      return message(c, 500, 'Something went wrong', 'The figures could not be read just now. Try again in a moment.');
    }
    return message(c, status, 'Cannot show this page', err.message);
  });
  return app as unknown as Hono;
}
