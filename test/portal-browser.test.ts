import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type TestBrowser } from './support/browser.js';
import { PORTAL_API_TOKENS, PORTAL_TOKENS, startPortalReceiver, type PortalReceiver } from './support/portal-fixture.js';

const ARTIFACTS = join(process.cwd(), '.test-results', 'portal');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Row {
  [key: string]: string | number;
  calls: number;
  cost_usd: string;
  unpriced_calls: number;
  unmetered_calls: number;
}

/**
 * What the page must show for an API money figure, written here on its own: USD nanos (the API's
 * 9 decimals) times the invoice rate (6 decimals), each step rounded half-up, grouped by thousands.
 */
function expectedMoney(usd: string, rate = '1.000000', code = 'USD'): string {
  const halfUp = (n: bigint, d: bigint) => (n >= 0n ? (n + d / 2n) / d : -((-n + d / 2n) / d));
  const [whole, frac = ''] = usd.split('.');
  const nanos = BigInt(`${whole}${frac.padEnd(9, '0')}`);
  const local = halfUp(nanos * BigInt(rate.replace('.', '')), 1_000_000n);
  const cents = halfUp(local, 10_000_000n);
  return cents === 0n && local !== 0n ? `< ${centsLabel(local > 0n ? 1n : -1n, code)}` : centsLabel(cents, code);
}

function centsLabel(cents: bigint, code: string): string {
  const abs = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
  const grouped = abs.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = ({ USD: '$', EUR: '€', GBP: '£' } as Record<string, string>)[code];
  const text = symbol ? `${symbol}${grouped}.${abs.slice(-2)}` : `${code} ${grouped}.${abs.slice(-2)}`;
  return cents < 0n ? `-${text}` : text;
}

/** A row of only unpriced or unmetered calls says so instead of a cost of zero. */
function expectedCost(row: Row, rate?: string, code?: string): string {
  const uncosted = row.unpriced_calls + row.unmetered_calls;
  if (uncosted === 0 || uncosted < row.calls || /[1-9]/.test(row.cost_usd)) return expectedMoney(row.cost_usd, rate, code);
  return [row.unpriced_calls ? 'unpriced' : '', row.unmetered_calls ? 'unmetered' : ''].filter(Boolean).join(', ');
}

const centsMoney = (amount: string, code: string) => centsLabel(BigInt(amount.replace('.', '')), code);
const figure = (page: Page, name: string, scope = 'main') => page.locator(`${scope} [data-figure="${name}"]`).first().innerText();

describe('the portal in a real browser (Debian chromium, playwright-core)', () => {
  let r: PortalReceiver;
  let browser: TestBrowser;
  const api = async <T,>(path: string): Promise<T> => {
    const res = await fetch(`${r.url}/api/v1${path}`, { headers: { authorization: `Bearer ${PORTAL_TOKENS.operator}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const usage = async (groupBy: string, client: string, from = '2026-11-01', to = '2026-12-01') =>
    (await api<{ rows: Row[] }>(`/usage?from=${from}&to=${to}&group_by=${groupBy}&client=${client}`)).rows;

  async function signIn(page: Page, token: string): Promise<void> {
    await browser.context.clearCookies();
    await page.goto(`${r.url}/portal`);
    expect(page.url()).toBe(`${r.url}/portal/sign-in`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
  }

  async function screenshots(page: Page, name: string): Promise<void> {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-desktop.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // Readable on a phone: nothing wider than the screen (wide tables scroll inside their box).
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string; nodes: number }>> {
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe;
      return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    return result;
  }

  /** Every row of a breakdown table on the page against the API rows of that grouping. */
  async function compareBreakdown(page: Page, name: string, rows: Row[], key: string, rate?: string, code?: string) {
    const table = page.locator(`table[data-breakdown="${name}"] tbody tr[data-key]`);
    expect(await table.count(), name).toBe(rows.length);
    for (const row of rows) {
      const tr = page.locator(`table[data-breakdown="${name}"] tbody tr[data-key="${String(row[key])}"]`);
      expect(await tr.locator('[data-figure="cost"]').innerText(), `${name} ${row[key]}`).toBe(expectedCost(row, rate, code));
      expect(await tr.locator('[data-figure="calls"]').innerText()).toBe(row.calls.toLocaleString('en-US'));
      if (name !== 'day') {
        expect(await tr.locator('[data-figure="unpriced"]').innerText()).toBe(String(row.unpriced_calls));
        expect(await tr.locator('[data-figure="unmetered"]').innerText()).toBe(String(row.unmetered_calls));
      }
    }
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    r = await startPortalReceiver('portal_browser', { TOKENLEDGER_API_TOKENS: PORTAL_API_TOKENS, TOKENLEDGER_INGEST_TOKENS: 'ingest-token' });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await r?.stop();
  });

  it('signs a client in and shows exactly the figures of the reports, invoices and budgets API', async () => {
    const page = await browser.context.newPage();
    await signIn(page, PORTAL_TOKENS.acme);
    expect(page.url()).toBe(`${r.url}/portal/clients/acme`);
    expect(await page.locator('header h1').innerText()).toBe('Northwind AI Billing');
    expect(await page.title()).toBe('Acme Corp · Northwind AI Billing');

    const invoice = await api<Record<string, string>>('/invoices/acme?period=2026-11');
    const budget = await api<Record<string, string | number | null>>('/budgets/acme');
    expect(await figure(page, 'billed')).toBe(centsMoney(invoice.total!, 'USD'));
    expect(await figure(page, 'cost')).toBe(centsMoney(invoice.base_cost!, 'USD'));
    expect(await figure(page, 'markup')).toBe(centsMoney(invoice.markup!, 'USD'));
    // The fixture's figures, to be sure the API itself says what the calls cost.
    expect([invoice.total, invoice.base_cost, invoice.markup]).toEqual(['11.06', '8.85', '2.21']);

    const [total] = await usage('client', 'acme');
    expect(await figure(page, 'calls')).toBe(String(total!.calls));
    expect(await figure(page, 'unpriced')).toBe(String(total!.unpriced_calls));
    expect(await figure(page, 'unmetered')).toBe(String(total!.unmetered_calls));
    expect([total!.unpriced_calls, total!.unmetered_calls]).toEqual([2, 1]);
    expect(await page.locator('main').innerText()).toMatch(/2 unpriced calls .* 1 unmetered calls/);

    expect(await figure(page, 'budget-status')).toBe(budget.status);
    expect(budget.status).toBe('warning');
    expect(await figure(page, 'budget')).toBe(expectedMoney(budget.budget_usd as string));
    expect(await figure(page, 'budget-spent')).toBe(expectedMoney(budget.spent_usd as string));
    expect(await figure(page, 'budget-remaining')).toBe(expectedMoney(budget.remaining_usd as string));
    expect(await figure(page, 'budget-projected')).toBe(expectedMoney(budget.projected_usd as string));
    expect(await figure(page, 'budget-used')).toBe(`${budget.used_pct}%`);

    // Every day of the period up to today (20 November): the API's rows, days without calls at zero.
    const days = new Map((await usage('day', 'acme')).map((row) => [row.day, row]));
    const everyDay = Array.from({ length: 20 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
    expect(days.size).toBe(18);
    const summary = page.locator('summary', { hasText: 'Spend per day as a table' });
    await summary.click(); // <details> opens natively, no script
    await compareBreakdown(page, 'day', everyDay.map((day) => days.get(day) ?? { day, calls: 0, cost_usd: '0.000000000', unpriced_calls: 0, unmetered_calls: 0 }), 'day');
    await summary.click();
    await compareBreakdown(page, 'model', await usage('model', 'acme'), 'model');
    expect(await page.locator('table[data-breakdown="model"] tr[data-key="acme-finetune-7"] [data-figure="cost"]').innerText()).toBe('unpriced');
    await compareBreakdown(page, 'project', await usage('project', 'acme'), 'project');
    await compareBreakdown(page, 'feature', await usage('feature', 'acme'), 'feature');
    await screenshots(page, 'client-acme');
    expect((await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await page.close();
  });

  it('signs in and shows a past period picked in the form with JavaScript switched off', async () => {
    const noScript = await launchChromium({ javaScriptEnabled: false });
    try {
      const page = await noScript.context.newPage();
      await page.goto(`${r.url}/portal`);
      await page.getByLabel('API token').fill(PORTAL_TOKENS.acme);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForLoadState();
      expect(page.url()).toBe(`${r.url}/portal/clients/acme`);
      expect(await page.locator('script').count()).toBe(0);
      await page.getByLabel('Period').selectOption('2026-10');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForLoadState();
      expect(page.url()).toBe(`${r.url}/portal/clients/acme?period=2026-10`);
      const invoice = await api<Record<string, string>>('/invoices/acme?period=2026-10');
      expect(await figure(page, 'billed')).toBe(centsMoney(invoice.total!, 'USD'));
      expect(invoice.total).toBe('3.66');
      await compareBreakdown(page, 'project', await usage('project', 'acme', '2026-10-01', '2026-11-01'), 'project');
    } finally {
      await noScript.close();
    }
  });

  it('downloads the invoice as the API serves it, and the per-call CSV', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${r.url}/portal/clients/acme`);
    const csv = await download(page, 'Invoice (CSV)');
    const apiCsv = await (await fetch(`${r.url}/api/v1/invoices/acme?period=2026-11&format=csv`, { headers: { authorization: `Bearer ${PORTAL_TOKENS.acme}` } })).text();
    expect(csv.name).toBe('invoice-acme-2026-11.csv');
    expect(csv.bytes.toString('utf8')).toBe(apiCsv);
    const pdf = await download(page, 'Invoice (PDF)');
    expect(pdf.name).toBe('invoice-acme-2026-11.pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(ARTIFACTS, pdf.name);
    writeFileSync(file, pdf.bytes);
    expect(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })).toMatch(/Total due \(USD\)\s+11\.06/);
    const calls = await download(page, 'Every call (CSV)');
    const lines = calls.bytes.toString('utf8').trim().split('\n');
    expect(lines.length - 1).toBe((await usage('client', 'acme'))[0]!.calls);
    expect(lines.slice(1).every((l) => l.split(',')[3] === 'acme')).toBe(true);
    await page.close();
  });

  async function download(page: Page, link: string): Promise<{ name: string; bytes: Buffer }> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()]);
    return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
  }

  it('keeps a client to its own pages: 403 naming nothing of the other client', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${r.url}/portal/clients/acme`);
    for (const path of ['/portal/clients/globex', '/portal/clients/globex?period=2026-10', '/portal/clients/globex/invoice.pdf?period=2026-11', '/portal/clients/globex/calls.csv']) {
      const res = await browser.context.request.get(`${r.url}${path}`, { maxRedirects: 0 });
      expect(res.status(), path).toBe(403);
      expect((await res.text()).toLowerCase()).not.toContain('globex');
    }
    const res = await page.goto(`${r.url}/portal/clients/globex`);
    expect(res!.status()).toBe(403);
    expect(await page.locator('main').innerText()).not.toMatch(/globex|€/i);
    await page.close();
  });

  it('holds the session in an HttpOnly, SameSite=Strict cookie that is not the token, and signs out', async () => {
    const cookies = await browser.context.cookies(`${r.url}/portal`);
    const session = cookies.find((c) => c.name === 'tokenledger_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false, path: '/portal' });
    expect(session.value).not.toContain(PORTAL_TOKENS.acme);
    expect(session.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const page = await browser.context.newPage();
    await page.goto(`${r.url}/portal/clients/acme`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForLoadState();
    expect(page.url()).toBe(`${r.url}/portal/sign-in`);
    expect((await browser.context.cookies(`${r.url}/portal`)).some((c) => c.name === 'tokenledger_session')).toBe(false);
    await page.goto(`${r.url}/portal/clients/acme`);
    expect(page.url()).toBe(`${r.url}/portal/sign-in`);
    await page.close();
  });

  it("shows a client with an invoice currency in that currency, every figure converted from the API's", async () => {
    const page = await browser.context.newPage();
    await signIn(page, PORTAL_TOKENS.globex);
    const invoice = await api<Record<string, string>>('/invoices/globex?period=2026-11');
    const budget = await api<Record<string, string>>('/budgets/globex');
    expect(invoice.currency).toBe('EUR');
    expect(await figure(page, 'billed')).toBe(centsMoney(invoice.total!, 'EUR'));
    expect(await figure(page, 'billed')).toBe('€2.28');
    expect(await figure(page, 'budget-status')).toBe('exceeded');
    expect(await figure(page, 'budget-spent')).toBe(expectedMoney(budget.spent_usd!, invoice.exchange_rate, 'EUR'));
    expect(await figure(page, 'budget-remaining')).toBe(expectedMoney(budget.remaining_usd!, invoice.exchange_rate, 'EUR'));
    await compareBreakdown(page, 'model', await usage('model', 'globex'), 'model', invoice.exchange_rate, 'EUR');
    await screenshots(page, 'client-globex-eur');
    await page.close();
  });

  it('lands the operator on the overview: every client with cost, billed, margin and budget status, and unattributed spend', async () => {
    const page = await browser.context.newPage();
    await signIn(page, PORTAL_TOKENS.operator);
    expect(page.url()).toBe(`${r.url}/portal`);
    const budgets = (await api<{ budgets: Array<Record<string, string>> }>('/budgets')).budgets;
    expect(await page.locator('table[data-breakdown="clients"] tbody tr').count()).toBe(budgets.length);
    for (const b of budgets) {
      const invoice = await api<Record<string, string>>(`/invoices/${b.client}?period=2026-11`);
      const tr = page.locator(`table[data-breakdown="clients"] tr[data-key="${b.client}"]`);
      expect(await tr.locator('th a').innerText()).toBe(invoice.client_name);
      expect(await tr.locator('[data-figure="cost"]').innerText()).toBe(centsMoney(invoice.base_cost!, invoice.currency!));
      expect(await tr.locator('[data-figure="billed"]').innerText()).toBe(centsMoney(invoice.total!, invoice.currency!));
      expect(await tr.locator('[data-figure="margin"]').innerText()).toBe(centsMoney(invoice.markup!, invoice.currency!));
      expect(await tr.locator('[data-figure="budget-status"] .status').innerText()).toBe(b.status);
    }
    const unattributed = (await api<{ rows: Row[] }>('/usage?from=2026-11-01&to=2026-12-01&group_by=client')).rows.find((row) => row.client === '')!;
    expect(await figure(page, 'unattributed-cost')).toBe(expectedMoney(unattributed.cost_usd));
    expect(await figure(page, 'unattributed-calls')).toBe(String(unattributed.calls));
    expect(unattributed.cost_usd).toBe('1.075000000');
    await screenshots(page, 'operator');
    expect((await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await page.getByRole('link', { name: 'Globex' }).click();
    await page.waitForLoadState();
    expect(page.url()).toBe(`${r.url}/portal/clients/globex?period=2026-11`);
    expect(await figure(page, 'billed')).toBe('€2.28');
    await page.close();
  });
});
