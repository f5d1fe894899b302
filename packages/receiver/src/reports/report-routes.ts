import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import type { z } from 'zod';
import { describeIssues } from '../config/load-config.js';
import { InvalidRequestError } from '../errors.js';
import { enforceScope, type AuthVariables } from '../http/auth.js';
import type { ReceiverPlugin } from '../server/receiver.js';
import { exportCallsCsv, exportQuerySchema } from './export-calls.js';
import { usageQuerySchema, usageReport } from './usage-report.js';

/** Query strings validated with zod; a bad one is a 400 naming the parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new InvalidRequestError(describeIssues('query', parsed.error));
  return parsed.data;
}

/** GET /api/v1/usage and GET /api/v1/export (design.md "HTTP surface"). */
export const reportsPlugin: ReceiverPlugin = {
  name: 'reports',
  create({ store }) {
    const routes = new Hono<{ Variables: AuthVariables }>();
    routes.get('/usage', async (c) => {
      const query = parseQuery(usageQuerySchema, c.req.query());
      const client = enforceScope(c.get('scopeClient'), query.client);
      return c.json(await usageReport(store, { ...query, client }));
    });
    routes.get('/export', async (c) => {
      const query = parseQuery(exportQuerySchema, c.req.query());
      const client = enforceScope(c.get('scopeClient'), query.client);
      const chunks = exportCallsCsv(store, { ...query, client });
      const first = await chunks.next(); // errors before the first byte still become a JSON error
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="tokenledger-calls.csv"`);
      return stream(c, async (out) => {
        if (!first.done) await out.write(first.value);
        for await (const chunk of chunks) await out.write(chunk);
      });
    });
    return { routes: routes as unknown as Hono };
  },
};
