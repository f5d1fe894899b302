import { request } from 'node:http';
import { createPricer, loadCatalog } from '../packages/pricing/src/index.js';
import { createStoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { USD } from '../packages/receiver/src/billing/invoice-currency.js';
import { usdText } from '../packages/receiver/src/portal/portal-money.js';
import { importFromApis } from '../packages/receiver/src/reconcile/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY, startFakeAdminApis, type FakeAdminApis } from './support/fake-admin-apis.js';
import { PORTAL_API_TOKENS, PORTAL_TOKENS, startPortalReceiver, type PortalReceiver } from './support/portal-fixture.js';
import { FAST_POLICY, reconcileProviderData, sourcesYaml } from './support/reconcile-fixture.js';

interface Jar {
  cookies: Map<string, string>;
}

const cookieHeader = (jar: Jar) => [...jar.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** One HTTP request from a chosen local address (127.0.0.0/8 is all loopback), answered as a fetch Response. */
function send(url: string, from: string, init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> }): Promise<Response> {
  const body = init.body?.toString();
  const headers = { ...init.headers, ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers, localAddress: from }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) out.append(k, one);
        resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode!, headers: out }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A client that keeps cookies like a browser would (no redirects followed, so each answer is seen). */
function browser(base: string, from = '127.0.0.1') {
  const jar: Jar = { cookies: new Map() };
  const go = async (path: string, init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {}) => {
    const res = await send(`${base}${path}`, from, { ...init, headers: { ...init.headers, cookie: cookieHeader(jar) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (/max-age=0/i.test(line) || value === '') jar.cookies.delete(name);
      else jar.cookies.set(name, value);
    }
    return res;
  };
  const csrfOf = (body: string) => /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  const signIn = async (token: string, extra: Record<string, string> = {}) => {
    const page = await (await go('/portal/sign-in')).text();
    return go('/portal/sign-in', { method: 'POST', body: new URLSearchParams({ csrf: csrfOf(page), token }), headers: extra });
  };
  return { jar, go, signIn, csrfOf };
}

describe('portal sign-in and access', () => {
  let r: PortalReceiver;
  beforeAll(async () => {
    r = await startPortalReceiver('portal_access', { TOKENLEDGER_API_TOKENS: PORTAL_API_TOKENS, TOKENLEDGER_INGEST_TOKENS: 'ingest-token' });
  });
  afterAll(async () => r.stop());

  it('sends a visitor without a session to the sign-in form, which posts the token and never puts it in a URL', async () => {
    const b = browser(r.url);
    const res = await b.go('/portal/clients/acme');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/portal/sign-in');
    const form = await (await b.go('/portal/sign-in')).text();
    expect(form).toMatch(/<form method="post" action="\/portal\/sign-in">/);
    expect(form).toMatch(/<input id="token" name="token" type="password"/);
    const signedIn = await b.signIn(PORTAL_TOKENS.acme);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/portal');
  });

  it('sets a random HttpOnly, SameSite=Strict session cookie on /portal that is not the token; Secure behind https', async () => {
    const b = browser(r.url);
    const res = await b.signIn(PORTAL_TOKENS.acme);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tokenledger_session='))!;
    expect(cookie).toMatch(/^tokenledger_session=[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/portal; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(PORTAL_TOKENS.acme);
    const again = await browser(r.url).signIn(PORTAL_TOKENS.acme);
    expect(again.headers.getSetCookie().find((c) => c.startsWith('tokenledger_session='))).not.toBe(cookie);
    const proxied = await browser(r.url).signIn(PORTAL_TOKENS.acme, { 'x-forwarded-proto': 'https' });
    expect(proxied.headers.getSetCookie().find((c) => c.startsWith('tokenledger_session='))).toMatch(/; Path=\/portal; HttpOnly; Secure; SameSite=Strict$/);
  });

  it('refuses a sign-in without the form CSRF value, and a wrong token, without a session', async () => {
    const b = browser(r.url);
    await b.go('/portal/sign-in');
    const forged = await b.go('/portal/sign-in', { method: 'POST', body: new URLSearchParams({ token: PORTAL_TOKENS.acme }) });
    expect(forged.status).toBe(403);
    expect(b.jar.cookies.has('tokenledger_session')).toBe(false);
    const wrong = await b.signIn('not-a-token');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That token is not valid.');
    expect(b.jar.cookies.has('tokenledger_session')).toBe(false);
  });

  it("lands a scoped session on its own client and answers 403 naming nothing for another client's page or file", async () => {
    const b = browser(r.url);
    await b.signIn(PORTAL_TOKENS.acme);
    const home = await b.go('/portal');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/portal/clients/acme');
    const own = await b.go('/portal/clients/acme');
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('Acme Corp');
    for (const path of ['/portal/clients/globex', '/portal/clients/globex?period=2026-10', '/portal/clients/globex/invoice.pdf', '/portal/clients/globex/invoice.csv', '/portal/clients/globex/calls.csv', '/portal/clients/nobody']) {
      const res = await b.go(path);
      expect(res.status, path).toBe(403);
      const body = await res.text();
      expect(body.toLowerCase(), path).not.toMatch(/globex|nobody|2\.25|2\.48/);
      expect(body).toContain('You may not view this page.');
    }
    expect((await b.go('/portal/clients/acme/invoice.csv?period=2026-11')).status).toBe(200);
  });

  it('opens the operator overview for an unscoped token, with every client one click away', async () => {
    const b = browser(r.url);
    await b.signIn(PORTAL_TOKENS.operator);
    const home = await b.go('/portal');
    expect(home.status).toBe(200);
    const page = await home.text();
    expect(page).toContain('href="/portal/clients/acme?period=2026-11"');
    expect(page).toContain('href="/portal/clients/globex?period=2026-11"');
    expect((await b.go('/portal/clients/globex')).status).toBe(200);
  });

  it('signs out only with the session CSRF value; afterwards the cookie opens nothing', async () => {
    const b = browser(r.url);
    await b.signIn(PORTAL_TOKENS.globex);
    const page = await (await b.go('/portal/clients/globex')).text();
    const session = b.jar.cookies.get('tokenledger_session')!;
    const forged = await b.go('/portal/sign-out', { method: 'POST', body: new URLSearchParams({ csrf: 'x' }) });
    expect(forged.status).toBe(403);
    expect((await b.go('/portal/clients/globex')).status).toBe(200);
    const out = await b.go('/portal/sign-out', { method: 'POST', body: new URLSearchParams({ csrf: b.csrfOf(page) }) });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().some((c) => /^tokenledger_session=; Max-Age=0; Path=\/portal/.test(c))).toBe(true);
    const replay = await send(`${r.url}/portal/clients/globex`, '127.0.0.1', { headers: { cookie: `tokenledger_session=${session}` } });
    expect(replay.status).toBe(303);
  });

  it('sends security headers: no scripts, no framing, no caching', async () => {
    const res = await fetch(`${r.url}/portal/sign-in`);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const home = await fetch(`${r.url}/portal`, { redirect: 'manual' });
    expect(home.headers.get('content-security-policy')).toBe(res.headers.get('content-security-policy'));
  });

  it('allows 10 failed sign-ins a minute per address, does not count successes, then answers 429 even to a good token', async () => {
    const from = '127.0.0.7';
    for (let i = 0; i < 5; i += 1) expect((await browser(r.url, from).signIn(PORTAL_TOKENS.acme)).status).toBe(303);
    for (let i = 0; i < 10; i += 1) expect((await browser(r.url, from).signIn(`wrong-${i}`)).status).toBe(401);
    const limited = await browser(r.url, from).signIn(PORTAL_TOKENS.acme);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Too many failed sign-ins');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another address is not held back by this one.
    expect((await browser(r.url, '127.0.0.8').signIn(PORTAL_TOKENS.acme)).status).toBe(303);
  });
});

describe('portal without API tokens', () => {
  let r: PortalReceiver;
  beforeAll(async () => {
    r = await startPortalReceiver('portal_open');
  });
  afterAll(async () => r.stop());

  it('is open on loopback as the operator, with no sign-in', async () => {
    const res = await fetch(`${r.url}/portal`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('All clients');
    expect((await send(`${r.url}/portal/sign-in`, '127.0.0.1', {})).headers.get('location')).toBe('/portal');
  });

  it('refuses a caller that is not on loopback', async () => {
    const res = await r.server.receiver.app.request('/portal');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('open on loopback only');
  });
});

/** As JSX escapes text (small sums read "< $0.01"). */
const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

describe('the reconciliation slot of the operator view', () => {
  let r: PortalReceiver;
  let fake: FakeAdminApis;
  beforeAll(async () => {
    r = await startPortalReceiver('portal_recon');
    fake = await startFakeAdminApis(reconcileProviderData());
    const store = createStoreClient({ url: r.db.url, username: 'default', password: '', database: r.db.name, cluster: null });
    const config = parseFileConfig(`reconcile:\n${sourcesYaml(fake)}`, 'test.yaml').reconcile!;
    const range = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };
    await importFromApis({ store, pricer: createPricer(loadCatalog({})), now: new Date() }, { config, adminKeys: { OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY }, range, policy: FAST_POLICY });
    await store.close();
  });
  afterAll(async () => {
    await fake.close();
    await r.stop();
  });

  it("shows the reconciliation API's drift per client for an imported month, and nothing for a month without any", async () => {
    const api = (await (await fetch(`${r.url}/api/v1/reconciliation?from=2026-10-01&to=2026-11-01&group_by=client`)).json()) as { rows: Array<Record<string, string | null>> };
    // October's provider report maps to acme, globex and unattributed usage (reconcile-fixture.ts).
    expect(api.rows.map((row) => row.client).sort()).toEqual(['', 'acme', 'globex']);
    const page = await (await fetch(`${r.url}/portal?period=2026-10`)).text();
    expect(page).toContain('Provider bill against tracked spend');
    for (const row of api.rows) {
      const cells = new RegExp(`<tr data-key="${row.client}"><th scope="row">[^<]+</th><td class="num">([^<]+)</td><td class="num">([^<]+)</td><td class="num">([^<]+)</td><td>([^<]+)</td></tr>`).exec(page);
      expect(cells, `row of client "${row.client}"`).not.toBeNull();
      expect(cells![1]).toBe(row.provider_cost_usd === null ? '—' : html(usdText(row.provider_cost_usd!, USD)));
      expect(cells![2]).toBe(html(usdText(row.tracked_cost_usd!, USD)));
      expect(cells![4]).toBe(row.status);
    }
    const november = await (await fetch(`${r.url}/portal?period=2026-11`)).text();
    expect(november).toContain('All clients');
    expect(november).not.toContain('Provider bill against tracked spend');
  });
});
