import { Hono } from 'hono';
import { jsonErrorResponse, statusFor } from '../http/error-handler.js';
import type { AuthVariables } from '../http/auth.js';

type Bindings = { scopeClient: string | null };

/**
 * The /api/v1 routes called without the network, as a caller whose scope is given rather than
 * read from a bearer token. The portal reads its figures through this, so a page and the API run
 * the same handlers and can never disagree. Never mounted on the server: only code holds it.
 */
export function inProcessApi(api: () => Hono): (path: string, scopeClient: string | null) => Promise<Response> {
  let internal: Hono<{ Bindings: Bindings; Variables: AuthVariables }> | null = null;
  const build = () => {
    const app = new Hono<{ Bindings: Bindings; Variables: AuthVariables }>();
    app.use('*', async (c, next) => {
      c.set('scopeClient', c.env.scopeClient);
      await next();
    });
    app.route('/', api());
    // Unexpected errors go on to the caller with their stack, so its own error handler logs them.
    app.onError((err, c) => {
      if (statusFor(err) === 500) throw err;
      return jsonErrorResponse(err, c);
    });
    return app;
  };
  return async (path, scopeClient) => {
    internal ??= build();
    return internal.request(path, {}, { scopeClient });
  };
}
