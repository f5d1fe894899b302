import { Hono } from 'hono';
import type { AppConfig } from '../config/config-schema.js';
import { surfaceAccess, surfaceAuth } from './auth.js';
import { jsonErrorResponse, statusFor } from './error-handler.js';
import { healthRoutes, type HealthDeps } from './health-routes.js';
import { otlpRoute, type OtlpRouteDeps } from './otlp-route.js';

export interface AppDeps extends OtlpRouteDeps, HealthDeps {
  config: AppConfig;
  /** Routes under /api/v1, mounted behind the API token check. */
  api?: Hono;
  /** Routes outside /api (the portal), each checking access itself. */
  pages?: Hono[];
  /** Where unexpected (500) errors are reported; never given request bodies or headers. */
  log: { write(text: string): void };
}

/** The receiver's HTTP surface (design.md "HTTP surface"); every dependency is passed in. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use('/v1/*', async (c, next) => {
    await next();
    deps.metrics.requests.inc({ status: String(c.res.status) });
  });
  app.use('/v1/*', surfaceAuth(surfaceAccess(deps.config.server, 'ingest')));
  app.use('/api/*', surfaceAuth(surfaceAccess(deps.config.server, 'api')));
  app.route('/', healthRoutes(deps));
  app.route('/', otlpRoute(deps));
  if (deps.api) app.route('/api/v1', deps.api);
  for (const pages of deps.pages ?? []) app.route('/', pages);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((err, c) => {
    if (statusFor(err) === 500) deps.log.write(`internal error on ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}\n`);
    return jsonErrorResponse(err, c);
  });
  return app;
}
