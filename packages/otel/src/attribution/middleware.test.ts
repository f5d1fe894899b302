import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTracing, type TestTracing } from '../test-support/tracing.js';
import { getAttribution, type Attribution } from './attribution.js';
import { expressAttribution, honoAttribution } from './middleware.js';

// Scopes need the context manager that register() (or any OTel SDK setup) installs.
let tracing: TestTracing;
beforeAll(() => {
  tracing = setupTracing();
});
afterAll(() => tracing.shutdown());

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('honoAttribution', () => {
  it('takes the client from a header and the rest from fixed values and functions', async () => {
    const app = new Hono();
    app.use(honoAttribution({ client: { header: 'x-client-id' }, feature: 'chat', tags: { plan: (c) => c.req.header('x-plan') ?? 'free' } }));
    app.get('/ask', async (c) => {
      await tick();
      return c.json(getAttribution());
    });
    const res = await app.request('/ask', { headers: { 'x-client-id': 'acme' } });
    expect(await res.json()).toEqual({ client: 'acme', feature: 'chat', tags: { plan: 'free' } });
  });

  it('takes the unit from the request when it names both kind and id', async () => {
    const app = new Hono();
    app.use('/tickets/:ticket/*', honoAttribution({ client: { header: 'x-client-id' }, unit: { kind: 'ticket', id: { param: 'ticket' } } }));
    app.use('/drafts/*', honoAttribution({ client: { header: 'x-client-id' }, unit: { kind: 'article', id: { header: 'x-article' } } }));
    app.get('/tickets/:ticket/reply', (c) => c.json(getAttribution()));
    app.get('/drafts/new', (c) => c.json(getAttribution()));
    const headers = { 'x-client-id': 'acme' };
    expect(await (await app.request('/tickets/T-9/reply', { headers })).json()).toEqual({ client: 'acme', unit: { kind: 'ticket', id: 'T-9' } });
    expect(await (await app.request('/drafts/new', { headers })).json()).toEqual({ client: 'acme' });
  });

  it('takes the client from a route parameter, and leaves a missing one unattributed', async () => {
    const app = new Hono();
    app.use('/clients/:client/*', honoAttribution({ client: { param: 'client' } }));
    app.get('/clients/:client/report', (c) => c.json(getAttribution()));
    app.get('/public', honoAttribution({ client: { header: 'x-client-id' } }), (c) => c.json(getAttribution()));
    expect(await (await app.request('/clients/globex/report')).json()).toEqual({ client: 'globex' });
    expect(await (await app.request('/public')).json()).toEqual({});
  });
});

describe('expressAttribution', () => {
  it('runs next() and its async work with the attribution (Connect-style, real node:http)', async () => {
    const middleware = expressAttribution({ client: { header: 'X-Client-Id' }, project: (req) => req.headers['x-project'] as string });
    const server = createServer((req, res) => {
      middleware(req, res, () => {
        void tick().then(() => res.end(JSON.stringify(getAttribution())));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-client-id': 'acme', 'x-project': 'crm' } });
    const body = (await res.json()) as Attribution;
    server.closeAllConnections();
    server.close();
    expect(body).toEqual({ client: 'acme', project: 'crm' });
  });

  it('reads route parameters that Express put on req.params', () => {
    let seen: Attribution | undefined;
    const req = { headers: {}, params: { client: 'initech' } };
    expressAttribution({ client: { param: 'client' } })(req, {}, () => {
      seen = getAttribution();
    });
    expect(seen).toEqual({ client: 'initech' });
  });
});
