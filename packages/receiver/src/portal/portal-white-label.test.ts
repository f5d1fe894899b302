import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../config/load-config.js';
import { PortalApi } from './portal-api.js';
import { portalRoutes } from './portal-routes.js';
import { SessionStore } from './session-store.js';
import { SignInLimiter } from './sign-in-limiter.js';

const YAML = `portal:
  title: Northwind AI Billing
  logo_url: https://cdn.northwind.example/logo.svg
  accent_color: "#ffe066"
`;

function pages(yaml: string) {
  const now = () => new Date('2026-11-20T12:00:00Z');
  const api = new PortalApi(async () => {
    throw new Error('the sign-in page and the stylesheet read no figures');
  });
  return portalRoutes({ portal: parseFileConfig(yaml, 'test.yaml').portal, apiTokens: [{ token: 't', clientId: null }], api, sessions: new SessionStore(now), limiter: new SignInLimiter(now), now, log: { write: () => undefined } });
}

describe('portal white label', () => {
  it('shows the configured title as the heading, the logo, and the accent in the stylesheet', async () => {
    const app = pages(YAML);
    const res = await app.request('/portal/sign-in');
    const page = await res.text();
    expect(page).toMatch(/^<!doctype html><html lang="en">/);
    expect(page).toContain('<h1>Northwind AI Billing</h1>');
    expect(page).toContain('<title>Sign in · Northwind AI Billing</title>');
    expect(page).toContain('<img src="https://cdn.northwind.example/logo.svg" alt=""/>');
    // The logo's origin, and nothing else outside, may load images.
    expect(res.headers.get('content-security-policy')).toContain("img-src 'self' https://cdn.northwind.example;");
    const css = await (await app.request('/portal/portal.css')).text();
    expect(css.startsWith(':root{--accent:#ffe066;--on-accent:#000000}')).toBe(true);
  });

  it('defaults to the TokenLedger title and no logo', async () => {
    const page = await (await pages('').request('/portal/sign-in')).text();
    expect(page).toContain('<h1>TokenLedger</h1>');
    expect(page).not.toContain('<img');
  });

  it('refuses a config whose portal values cannot work, naming the key', () => {
    expect(() => parseFileConfig('portal: { accent_color: teal }', 'x.yaml')).toThrow('x.yaml: portal.accent_color: a color written #rrggbb');
    expect(() => parseFileConfig('portal: { logo_url: "javascript:alert(1)" }', 'x.yaml')).toThrow(/x\.yaml: portal\.logo_url/);
    expect(() => parseFileConfig('portal: { theme: dark }', 'x.yaml')).toThrow('x.yaml: unknown key portal.theme');
  });
});
