import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../errors.js';
import { adapters, type ProviderAdapter } from '../providers/index.js';
import { proxyCall, type ProxyDeps } from '../proxy/proxy-call.js';

export interface GatewayLog {
  write(text: string): void;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

const REFUSALS = new Set(['bad_request', 'unknown_key', 'budget_exceeded', 'budget_unavailable', 'rate_limit_exceeded']);
const routes = Object.values(adapters);

/**
 * The routes of design.md "Gateway" on plain node:http: /openai/v1/*, /anthropic/v1/*,
 * /gemini/v1beta/*, /healthz, /metrics. No framework on the hot path: a call costs one URL parse
 * and a prefix match before it is proxied.
 */
export function createGatewayHandler(deps: ProxyDeps, log: GatewayLog): (req: IncomingMessage, res: ServerResponse) => void {
  /** Gateway errors in the provider's own shape; nothing a caller sent (keys included) is echoed. */
  function refuse(res: ServerResponse, adapter: ProviderAdapter, error: GatewayError): number {
    if (res.headersSent) {
      res.destroy();
      return res.statusCode;
    }
    const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
    json(res, error.status, adapter.errorBody(error.code, error.message, error.status), headers);
    return error.status;
  }

  async function proxy(adapter: ProviderAdapter, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let status: number;
    try {
      if (deps.stopping()) throw new GatewayError('shutting_down', 'the gateway is shutting down; retry', 503, 1);
      status = await proxyCall(deps, adapter, { req, res, url });
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'client_disconnected') {
        // The caller went away; the upstream request was cut with it. Nobody reads an answer.
        status = 499;
        res.destroy();
      } else if (error instanceof GatewayError) {
        if (REFUSALS.has(error.code)) deps.metrics.refused.inc({ provider: adapter.name, reason: error.code });
        status = refuse(res, adapter, error);
      } else {
        log.write(`gateway: ${adapter.name} call failed: ${(error as Error).name}\n`);
        status = refuse(res, adapter, new GatewayError('internal', 'internal gateway error', 500));
      }
    }
    deps.metrics.requests.inc({ provider: adapter.name, status: String(status) });
  }

  return (req, res) => {
    // Resolves `..` and `.` segments: a call cannot climb out of its provider's prefix.
    const url = new URL(req.url ?? '/', 'http://gateway');
    const path = url.pathname;
    const adapter = routes.find((a) => path.startsWith(a.prefix) && path[a.prefix.length] === '/');
    if (adapter !== undefined) {
      void proxy(adapter, req, res, url);
      return;
    }
    if (path === '/healthz') {
      json(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/metrics') {
      void deps.metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(text));
      return;
    }
    json(res, 404, { error: { type: 'not_found', message: 'the gateway serves /openai/v1/*, /anthropic/v1/*, /gemini/v1beta/*' } });
  };
}
