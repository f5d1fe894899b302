import { Hono } from 'hono';
import type { Metrics } from './metrics.js';

export interface HealthDeps {
  metrics: Metrics;
  /** ClickHouse reachable and every migration applied. */
  ready(): Promise<{ ok: boolean; reason?: string }>;
}

export function healthRoutes(deps: HealthDeps): Hono {
  const route = new Hono();
  route.get('/healthz', (c) => c.json({ status: 'ok' }));
  route.get('/readyz', async (c) => {
    const state = await deps.ready();
    return c.json(state.ok ? { status: 'ready' } : { status: 'not_ready', reason: state.reason }, state.ok ? 200 : 503);
  });
  route.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return route;
}
