/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { PortalConfig } from '../config/config-schema.js';
import { Layout } from './layout.js';
import type { Viewer } from './portal-access.js';
import { MessagePage } from './sign-in-page.js';

/** A whole page in the portal's layout; a signed-in viewer gets the sign-out form. */
export function renderPage(c: Context, portal: PortalConfig, status: ContentfulStatusCode, title: string, body: Child): Response | Promise<Response> {
  const session = (c.get('viewer') as Viewer | undefined)?.session;
  return c.html(html`<!doctype html>${<Layout portal={portal} page={title} signOutCsrf={session?.csrf}>{body}</Layout>}`, status);
}

/** A page that only says something (a refusal, an error). */
export function renderMessage(c: Context, portal: PortalConfig, status: ContentfulStatusCode, title: string, text: string): Response | Promise<Response> {
  return renderPage(c, portal, status, title, <MessagePage title={title} message={text} />);
}
