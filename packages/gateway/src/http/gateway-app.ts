import { Hono, type Context } from 'hono';
import { GatewayError } from '../errors.js';
import { adapters, type ProviderAdapter } from '../providers/index.js';
import { proxyCall, type ProxyDeps } from '../proxy/proxy-call.js';

export interface GatewayLog {
  write(text: string): void;
}

/** Gateway errors in the provider's own shape; nothing a caller sent (keys included) is echoed. */
function errorResponse(c: Context, adapter: ProviderAdapter, error: GatewayError): Response {
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  return c.json(adapter.errorBody(error.code, error.message, error.status), error.status as 400, headers);
}

const REFUSALS = new Set(['bad_request', 'unknown_key', 'budget_exceeded', 'rate_limit_exceeded']);

/** The routes of design.md "Gateway": /openai/v1/*, /anthropic/v1/*, /gemini/v1beta/*, /healthz, /metrics. */
export function createGatewayApp(deps: ProxyDeps, log: GatewayLog): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/metrics', async (c) => c.body(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType }));
  for (const adapter of Object.values(adapters)) {
    app.all(`${adapter.prefix}/*`, async (c) => {
      let response: Response;
      try {
        if (deps.stopping()) throw new GatewayError('shutting_down', 'the gateway is shutting down; retry', 503, 1);
        response = await proxyCall(deps, adapter, c.req.raw);
      } catch (error) {
        if (error instanceof GatewayError) {
          if (REFUSALS.has(error.code)) deps.metrics.refused.inc({ provider: adapter.name, reason: error.code });
          response = errorResponse(c, adapter, error);
        } else if (c.req.raw.signal.aborted) {
          // The caller went away; the upstream request was aborted with it. Nobody reads this answer.
          response = new Response(null, { status: 499 });
        } else {
          log.write(`gateway: ${adapter.name} call failed: ${(error as Error).name}\n`);
          response = errorResponse(c, adapter, new GatewayError('internal', 'internal gateway error', 500));
        }
      }
      deps.metrics.requests.inc({ provider: adapter.name, status: String(response.status) });
      return response;
    });
  }
  app.notFound((c) => c.json({ error: { type: 'not_found', message: 'the gateway serves /openai/v1/*, /anthropic/v1/*, /gemini/v1beta/*' } }, 404));
  return app;
}
