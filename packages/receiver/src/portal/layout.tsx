/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { PortalConfig } from '../config/config-schema.js';

export interface LayoutProps {
  portal: PortalConfig;
  /** The window title after the portal's title. */
  page: string;
  /** Present when signed in with a session: the sign-out form carries its CSRF token. */
  signOutCsrf?: string | undefined;
  children?: Child;
}

/** Every page: the white-label header (the configured title is the heading) and one stylesheet. */
export function Layout({ portal, page, signOutCsrf, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${page} · ${portal.title}`}</title>
        <link rel="stylesheet" href="/portal/portal.css" />
      </head>
      <body>
        <header>
          {portal.logo_url ? <img src={portal.logo_url} alt="" /> : null}
          <h1>{portal.title}</h1>
          {signOutCsrf ? (
            <form method="post" action="/portal/sign-out">
              <input type="hidden" name="csrf" value={signOutCsrf} />
              <button type="submit" class="quiet">Sign out</button>
            </form>
          ) : null}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
