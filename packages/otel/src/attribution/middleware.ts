import { withAttribution } from './attribution.js';
import { attributionFromRequest, type AttributionFrom, type RequestAccess } from './request-values.js';

/** The parts of Hono's Context we use. */
export interface HonoLikeContext {
  req: { header(name: string): string | undefined; param(name: string): string | undefined };
}

const honoAccess: RequestAccess<HonoLikeContext> = {
  header: (c, name) => c.req.header(name),
  param: (c, name) => c.req.param(name),
};

/** Hono middleware: the rest of the request runs with the attribution it carries. */
export function honoAttribution<C extends HonoLikeContext>(from: AttributionFrom<C>) {
  return (c: C, next: () => Promise<void>): Promise<void> =>
    withAttribution(attributionFromRequest(from, c, honoAccess as RequestAccess<C>), next);
}

/** The parts of an Express/Connect (or plain node:http) request we use. */
export interface NodeLikeRequest {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
}

const nodeAccess: RequestAccess<NodeLikeRequest> = {
  header: (req, name) => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  },
  // Express fills req.params only for route-level middleware (app.get('/c/:client', mw, …)).
  param: (req, name) => req.params?.[name],
};

/** Express/Connect middleware: `next()` and everything it starts run with the attribution. */
export function expressAttribution<Q extends NodeLikeRequest>(from: AttributionFrom<Q>) {
  return (req: Q, _res: unknown, next: (error?: unknown) => void): void => {
    withAttribution(attributionFromRequest(from, req, nodeAccess as RequestAccess<Q>), () => next());
  };
}
