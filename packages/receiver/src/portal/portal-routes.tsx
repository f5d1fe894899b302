/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { PortalConfig } from '../config/config-schema.js';
import { InvalidRequestError } from '../errors.js';
import { ForbiddenError } from '../http/auth.js';
import { statusFor } from '../http/error-handler.js';
import { ClientView } from './client-view.js';
import { loadClientView } from './client-view-data.js';
import { OperatorView } from './operator-view.js';
import { loadOperatorView } from './operator-view-data.js';
import { PortalApiError, type PortalApi } from './portal-api.js';
import { currentSession, isLoopback, peerAddress, type Viewer } from './portal-access.js';
import { portalCss } from './portal-style.js';
import { renderMessage, renderPage } from './render-page.js';
import { sessionRoutes, type SessionRouteDeps } from './session-routes.js';

export interface PortalDeps extends SessionRouteDeps {
  api: PortalApi;
  now(): Date;
  log: { write(text: string): void };
}

type Env = { Variables: { viewer: Viewer } };

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const FILES = { 'invoice.pdf': 'pdf', 'invoice.csv': 'csv' } as const;

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
  const message = (c: Context, status: ContentfulStatusCode, title: string, text: string) => renderMessage(c, deps.portal, status, title, text);

  app.use('/portal/*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  });
  app.get('/portal/portal.css', (c) => c.body(css, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  app.route('/', sessionRoutes(deps));

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
    return renderPage(c, deps.portal, 200, 'All clients', <OperatorView data={data} now={deps.now()} />);
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
    return renderPage(c, deps.portal, 200, data.invoice.client_name, <ClientView data={data} operator={scope === null} />);
  });

  // The API's own files, passed through: the per-call CSV covers the invoice's period.
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
