import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingPlugin } from '../packages/receiver/src/billing/index.js';
import type { Invoice } from '../packages/receiver/src/billing/invoice.js';
import { main } from '../packages/receiver/src/cli/main.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { loadConfig, parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { createReceiver, type Receiver } from '../packages/receiver/src/server/receiver.js';
import { insertCalls, type CallRow } from '../packages/receiver/src/store/llm-calls.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { sampleRow } from './support/sample-call-row.js';

// Every retainer here: 500 USD a period, 300 USD of AI usage included, overage at cost + 30%.
const RETAINER = '{ type: retainer, monthly_fee_usd: 500, included_usd: 300, overage_markup_pct: 30 }';
const YAML = `clients:
  - { id: under, name: Under Co, plan: ${RETAINER} }
  - { id: exact, plan: ${RETAINER} }
  - { id: nano, plan: ${RETAINER} }
  - { id: over, name: Over Co, markup_pct: 25, plan: ${RETAINER} }
  - { id: idle, plan: ${RETAINER} }
  - { id: mid, period_start_day: 15, plan: ${RETAINER} }
  - { id: eur, plan: ${RETAINER}, invoice_currency: { code: EUR, usd_rate: 0.92 } }
  - { id: seed, plan: { type: cost_plus, markup_pct: 25 } }
  - { id: globex, name: Globex, markup_pct: 10, plan: { type: per_unit, unit: article, price_per_unit_usd: 0.40 } }
  - { id: quiet, plan: { type: per_unit, unit: article, price_per_unit_usd: 0.40 } }
`;

let span = 0;
/** One priced call of `nanos` exactly, for `client` at `at` (UTC). */
const call = (client: string, at: string, nanos: bigint, model = 'gpt-4o-2024-08-06'): CallRow =>
  sampleRow({ client_id: client, timestamp: at, span_id: (++span).toString(16).padStart(16, '0'), response_model: model, cost_nanos: nanos.toString() });
/** A globex call for one business unit ('' kind and id: none). */
const unitCall = (at: string, nanos: bigint, kind: string, id: string): CallRow => ({ ...call('globex', at, nanos), unit_kind: kind, unit_id: id });

describe('billing plans on the real ClickHouse', () => {
  let db: TestDatabase;
  let receiver: Receiver;
  let configPath: string;
  const env = () => ({ CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name });
  const get = async (path: string) => receiver.app.request(`/api/v1${path}`);
  const invoice = async (client: string, period = '2026-11') => {
    const res = await get(`/invoices/${client}?period=${period}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Invoice;
  };
  /** kind -> [amount_usd, billed] of each plan line. */
  const planAmounts = (inv: Invoice) => inv.plan_lines.map((l) => [l.kind, l.amount_usd, l.billed]);

  beforeAll(async () => {
    db = await createTestDatabase('billing_plans');
    configPath = join(mkdtempSync(join(tmpdir(), 'tl-plans-')), 'tokenledger.yaml');
    writeFileSync(configPath, YAML);
    const config = await loadConfig({ env: env() });
    config.file = parseFileConfig(YAML, 'test.yaml');
    receiver = createReceiver(config, { plugins: [billingPlugin], now: () => new Date('2026-11-20T12:00:00Z') });
    await migrate(receiver.store, { database: db.name, cluster: null });
    await insertCalls(receiver.store, [
      call('under', '2026-11-03 10:00:00', 100_000_000_000n),
      call('under', '2026-11-04 10:00:00', 20_004_000_000n),
      call('exact', '2026-11-05 10:00:00', 300_000_000_000n),
      call('nano', '2026-11-05 10:00:00', 300_000_000_001n),
      call('over', '2026-11-06 10:00:00', 212_405_000_000n),
      call('over', '2026-11-07 10:00:00', 100_000_000_000n, 'gpt-4o-mini-2024-07-18'),
      // A retainer period starting on the 15th: the last second before it, and its first second.
      call('mid', '2026-11-14 23:59:59', 350_000_000_000n),
      call('mid', '2026-11-15 00:00:00', 301_000_000_000n),
      call('eur', '2026-11-06 10:00:00', 312_405_000_000n),
      ...Array.from({ length: 4 }, (_, i) => call('seed', `2026-11-0${i + 2} 00:00:00`, 8_125_000_000n)),
      // globex, per article: a1 (3 calls) and a2 (1 call, its span re-sent) start in November;
      // a3 started in October and has one more call in November; a conversation; calls without a unit.
      ...[1, 2, 3].map((d) => unitCall(`2026-11-0${d} 08:00:00`, 105_000_000n, 'article', 'a1')),
      { ...unitCall('2026-11-04 08:00:00', 200_000_000n, 'article', 'a2'), span_id: 'aaaaaaaaaaaaaaa2' },
      { ...unitCall('2026-11-04 08:00:00', 200_000_000n, 'article', 'a2'), span_id: 'aaaaaaaaaaaaaaa2' },
      unitCall('2026-10-30 08:00:00', 100_000_000n, 'article', 'a3'),
      unitCall('2026-11-05 08:00:00', 100_000_000n, 'article', 'a3'),
      unitCall('2026-11-06 08:00:00', 50_000_000n, 'conversation', 'c1'),
      unitCall('2026-11-06 09:00:00', 50_000_000n, 'conversation', 'c1'),
      unitCall('2026-11-07 08:00:00', 2_500_000n, '', ''),
      unitCall('2026-11-07 09:00:00', 2_500_000n, '', ''),
      // The same span twice (a retried export): billed once.
      { ...call('over', '2026-10-20 10:00:00', 10_000_000_000n), span_id: 'dddddddddddddddd' },
      { ...call('over', '2026-10-20 10:00:00', 10_000_000_000n), span_id: 'dddddddddddddddd' },
    ]);
    for (const p of receiver.plugins) await p.start?.();
  });
  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  it('bills a retainer period under its allowance the fee alone, every line explained', async () => {
    // 100 + 20.004 = 120.004 USD of usage: one gpt-4o line, 120.00; all of it included.
    const inv = await invoice('under');
    expect(inv.plan).toEqual({ type: 'retainer', monthly_fee_usd: '500.00', included_usd: '300.000000000', overage_markup_pct: 30 });
    expect(inv.plan_lines).toEqual([
      { kind: 'fee', description: 'Retainer fee 2026-11', note: 'includes 300.00 USD of AI usage at cost', billed: true, amount_usd: '500.00', exact_amount_usd: '500.000000000', amount: '500.00' },
      { kind: 'usage_at_cost', description: 'AI usage at cost', note: '1 usage line(s), each rounded to the cent; billed through the fee and the overage', billed: false, amount_usd: '120.00', exact_amount_usd: '120.004000000', amount: '120.00' },
      { kind: 'included', description: 'Included in the fee', note: 'all the usage; 180.00 USD of the 300.00 USD allowance unused', billed: false, amount_usd: '120.00', exact_amount_usd: '120.004000000', amount: '120.00' },
      { kind: 'overage', description: 'Overage at cost', note: 'none: the usage is within the 300.00 USD included', billed: true, amount_usd: '0.00', exact_amount_usd: '0.000000000', amount: '0.00' },
      { kind: 'overage_markup', description: 'Markup 30% on the overage', note: 'on the exact overage 0.000000000, rounded half-up to the cent', billed: true, amount_usd: '0.00', exact_amount_usd: '0.000000000', amount: '0.00' },
    ]);
    expect([inv.base_cost_usd, inv.markup_pct, inv.markup_usd, inv.total_usd, inv.total]).toEqual(['120.00', 30, '0.00', '500.00', '500.00']);
    expect(inv.lines.map((l) => [l.model, l.calls, l.cost_usd])).toEqual([['gpt-4o-2024-08-06', 2, '120.00']]);
  });

  it('bills exactly the allowance as the fee alone, and one nano-dollar over as a 0.00 overage', async () => {
    const exact = await invoice('exact');
    expect(planAmounts(exact)).toEqual([['fee', '500.00', true], ['usage_at_cost', '300.00', false], ['included', '300.00', false], ['overage', '0.00', true], ['overage_markup', '0.00', true]]);
    expect(exact.plan_lines[3]!.note).toBe('none: the usage is within the 300.00 USD included');
    expect(exact.total_usd).toBe('500.00');
    // 300.000000001 USD: the overage is exactly one nano-dollar, which rounds half-up to 0.00 on its
    // line, and its 30% markup (0.3 nano) rounds to 0 nano: the period still bills 500.00.
    const nano = await invoice('nano');
    expect(nano.plan_lines.map((l) => [l.kind, l.exact_amount_usd, l.amount_usd])).toEqual([
      ['fee', '500.000000000', '500.00'],
      ['usage_at_cost', '300.000000001', '300.00'],
      ['included', '300.000000000', '300.00'],
      ['overage', '0.000000001', '0.00'],
      ['overage_markup', '0.000000000', '0.00'],
    ]);
    expect(nano.plan_lines[3]!.note).toBe('usage beyond the 300.00 USD included: exactly 0.000000001, rounded half-up to the cent');
    expect(nano.total_usd).toBe('500.00');
  });

  it('bills usage over the allowance as fee + overage at cost + its markup, each line rounded on its own', async () => {
    // Lines 212.405 -> 212.41 and 100.00: usage 312.41 (sum of the rounded lines). Overage on the
    // exact cost: 312.405 - 300 = 12.405 -> 12.41; markup 30% of 12.405 = 3.7215 -> 3.72.
    // Total 500.00 + 12.41 + 3.72 = 516.13. The previous period had 10.00 of usage (a span sent
    // twice, billed once): the fee alone, 500.00; change (516.13 - 500) / 500 = 3.226% -> 3.23.
    const inv = await invoice('over');
    expect(inv.lines.map((l) => [l.model, l.cost_usd, l.exact_cost_usd])).toEqual([
      ['gpt-4o-2024-08-06', '212.41', '212.405000000'],
      ['gpt-4o-mini-2024-07-18', '100.00', '100.000000000'],
    ]);
    expect(planAmounts(inv)).toEqual([['fee', '500.00', true], ['usage_at_cost', '312.41', false], ['included', '300.00', false], ['overage', '12.41', true], ['overage_markup', '3.72', true]]);
    expect(inv.plan_lines[3]!.exact_amount_usd).toBe('12.405000000');
    expect(inv.plan_lines[4]!.exact_amount_usd).toBe('3.721500000');
    expect(inv.plan_lines[2]!.note).toBe('the whole 300.00 USD allowance');
    expect([inv.base_cost_usd, inv.markup_usd, inv.total_usd]).toEqual(['312.41', '3.72', '516.13']);
    expect([inv.previous_period, inv.previous_period_total_usd, inv.change_pct]).toEqual(['2026-10', '500.00', '3.23']);
  });

  it('bills a period with no usage at all the fee, and compares it with the fee before', async () => {
    const inv = await invoice('idle');
    expect(inv.lines).toEqual([]);
    expect(planAmounts(inv)).toEqual([['fee', '500.00', true], ['usage_at_cost', '0.00', false], ['included', '0.00', false], ['overage', '0.00', true], ['overage_markup', '0.00', true]]);
    expect([inv.total_usd, inv.previous_period_total_usd, inv.change_pct]).toEqual(['500.00', '500.00', '0.00']);
  });

  it('applies the allowance per period when periods start on the 15th', async () => {
    // 2026-11 runs from 2026-11-15 to 2026-12-15: 301.00 of usage, overage 1.00, markup 0.30.
    // 2026-10 (2026-10-15 to 2026-11-15) has the call at 2026-11-14 23:59:59: 350.00, overage
    // 50.00, markup 15.00, total 565.00. Change (501.30 - 565.00) / 565.00 = -11.2743% -> -11.27.
    const inv = await invoice('mid');
    expect([inv.period_start, inv.period_end]).toEqual(['2026-11-15T00:00:00.000Z', '2026-12-15T00:00:00.000Z']);
    expect(planAmounts(inv)).toEqual([['fee', '500.00', true], ['usage_at_cost', '301.00', false], ['included', '300.00', false], ['overage', '1.00', true], ['overage_markup', '0.30', true]]);
    expect([inv.total_usd, inv.previous_period_total_usd, inv.change_pct]).toEqual(['501.30', '565.00', '-11.27']);
    expect(planAmounts(await invoice('mid', '2026-10'))).toEqual([['fee', '500.00', true], ['usage_at_cost', '350.00', false], ['included', '300.00', false], ['overage', '50.00', true], ['overage_markup', '15.00', true]]);
  });

  it('converts each exact retainer line to the invoice currency before rounding it', async () => {
    // At 0.92 EUR/USD: fee 460.00; allowance 276.00; usage 312.405 -> 287.4126; overage 11.4126 -> 11.41;
    // markup 30% -> 3.42378 -> 3.42; total 460.00 + 11.41 + 3.42 = 474.83 EUR. In USD: 516.13.
    const inv = await invoice('eur');
    expect(inv.plan_lines.map((l) => [l.kind, l.amount])).toEqual([['fee', '460.00'], ['usage_at_cost', '287.41'], ['included', '276.00'], ['overage', '11.41'], ['overage_markup', '3.42']]);
    expect(inv.plan_lines[0]!.note).toBe('includes 276.00 EUR of AI usage at cost');
    expect([inv.total, inv.total_usd, inv.currency]).toEqual(['474.83', '516.13', 'EUR']);
  });

  it('keeps the seed example under an explicit cost-plus plan: 32.50 + 8.13 = 40.63', async () => {
    const inv = await invoice('seed');
    expect(inv.plan).toEqual({ type: 'cost_plus', markup_pct: 25 });
    expect(inv.plan_lines).toEqual([
      { kind: 'base_cost', description: 'Base cost', billed: true, amount_usd: '32.50', exact_amount_usd: '32.500000000', amount: '32.50' },
      { kind: 'markup', description: 'Markup 25%', billed: true, amount_usd: '8.13', exact_amount_usd: '8.125000000', amount: '8.13' },
    ]);
    expect([inv.base_cost_usd, inv.markup_pct, inv.markup_usd, inv.total_usd]).toEqual(['32.50', 25, '8.13', '40.63']);
  });

  it('writes the plan lines into the CSV, typed by kind, and the PDF', async () => {
    const csv = (await (await get('/invoices/over?period=2026-11&format=csv')).text()).split('\r\n');
    expect(csv.slice(1)).toEqual([
      'over,2026-11,line,openai gpt-4o-2024-08-06,openai,gpt-4o-2024-08-06,1,500,0,0,200,0,212.41,USD,212.41',
      'over,2026-11,line,openai gpt-4o-mini-2024-07-18,openai,gpt-4o-mini-2024-07-18,1,500,0,0,200,0,100.00,USD,100.00',
      'over,2026-11,fee,Retainer fee 2026-11 (includes 300.00 USD of AI usage at cost),,,,,,,,,500.00,USD,500.00',
      'over,2026-11,usage_at_cost,"AI usage at cost (2 usage line(s), each rounded to the cent; billed through the fee and the overage) [not billed]",,,,,,,,,312.41,USD,312.41',
      'over,2026-11,included,Included in the fee (the whole 300.00 USD allowance) [not billed],,,,,,,,,300.00,USD,300.00',
      'over,2026-11,overage,"Overage at cost (usage beyond the 300.00 USD included: exactly 12.405000000, rounded half-up to the cent)",,,,,,,,,12.41,USD,12.41',
      'over,2026-11,overage_markup,"Markup 30% on the overage (on the exact overage 12.405000000, rounded half-up to the cent)",,,,,,,,,3.72,USD,3.72',
      'over,2026-11,total,Total,,,,,,,,,516.13,USD,516.13',
      'over,2026-11,previous_total,Total 2026-10 (change 3.23%),,,,,,,,,500.00,USD,500.00',
      '',
    ]);
    const pdf = Buffer.from(await (await get('/invoices/over?period=2026-11&format=pdf')).arrayBuffer());
    const file = join(mkdtempSync(join(tmpdir(), 'tl-plan-pdf-')), 'over.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1\b/);
    expect(text).toMatch(/AI usage at cost \(billed through the plan below, not line by line\)/);
    expect(text).toMatch(/Retainer fee 2026-11\s+500\.00/);
    expect(text).toMatch(/AI usage at cost \(not billed\)\s+312\.41/);
    expect(text).toMatch(/Included in the fee \(not billed\)\s+300\.00/);
    expect(text).toMatch(/Overage at cost\s+12\.41/);
    expect(text).toMatch(/usage beyond the 300\.00 USD included: exactly 12\.405000000/);
    expect(text).toMatch(/Markup 30% on the overage\s+3\.72/);
    expect(text).toMatch(/Total due \(USD\)\s+516\.13/);
    expect(text).toMatch(/Previous period 2026-10: 500\.00 USD, change \+3\.23%/);
  });

  it('prints each retainer invoice from the CLI as the API answers it (table, json, csv)', async () => {
    let out = '';
    const io = { stdout: { write: (t: string) => void (out += t) }, stderr: { write: (t: string) => void (out += t) }, env: env(), cwd: tmpdir() };
    const cli = async (...args: string[]) => {
      out = '';
      expect(await main(['invoice', ...args, '--config', configPath], io)).toBe(0);
      return out;
    };
    expect(JSON.parse(await cli('over', '--period', '2026-11', '--format', 'json'))).toEqual(await invoice('over'));
    expect(await cli('nano', '--period', '2026-11', '--format', 'csv')).toBe(await (await get('/invoices/nano?period=2026-11&format=csv')).text());
    const table = await cli('over', '--period', '2026-11');
    expect(table).toMatch(/Retainer fee 2026-11\s+500\.00\s+includes 300\.00 USD of AI usage at cost/);
    expect(table).toMatch(/AI usage at cost \[not billed\]\s+312\.41/);
    expect(table).toMatch(/Overage at cost\s+12\.41\s+usage beyond/);
    expect(table).toMatch(/Markup 30% on the overage\s+3\.72/);
    expect(table).toMatch(/\ntotal\s+516\.13/);
    expect(await cli('idle', '--period', '2026-11')).toMatch(/\ntotal\s+500\.00/);
  });

  it('bills a per-unit client the distinct units of its kind, with the AI cost and margin behind them', async () => {
    // November: articles a1 and a2 are new (a3 was first seen in October): 2 x 0.40 = 0.80. Their
    // calls: 3 x 0.105 + 0.2 (sent twice, billed once) + a3's 0.1 = 0.615 -> 0.62; margin 0.80 - 0.62 = 0.18;
    // per unit: cost 0.615 / 2 = 0.3075, margin (0.80 - 0.615) / 2 = 0.0925. The conversation (0.10)
    // and the calls without a unit (0.005 -> 0.01) are shown at cost and not billed.
    const inv = await invoice('globex');
    expect(inv.plan).toEqual({ type: 'per_unit', unit: 'article', price_per_unit_usd: '0.400000000' });
    expect(inv.plan_lines).toEqual([
      {
        kind: 'units', description: '2 article x 0.40 USD', note: 'AI cost 0.62 USD over 5 call(s); margin 0.18 USD', billed: true,
        amount_usd: '0.80', exact_amount_usd: '0.800000000', amount: '0.80',
        unit_kind: 'article', units: 2, calls: 5, cost_usd: '0.62', exact_cost_usd: '0.615000000', unit_price_usd: '0.400000000',
        margin_usd: '0.18', cost_per_unit_usd: '0.307500000', margin_per_unit_usd: '0.092500000',
      },
      {
        kind: 'other_unit', description: 'AI cost of conversation work (not billed under the plan)', note: '2 call(s) for 1 new conversation', billed: false,
        amount_usd: '0.10', exact_amount_usd: '0.100000000', amount: '0.10', unit_kind: 'conversation', units: 1, calls: 2, cost_usd: '0.10', exact_cost_usd: '0.100000000',
      },
      {
        kind: 'no_unit', description: 'AI cost of calls without a unit (not billed under the plan)', note: '2 call(s)', billed: false,
        amount_usd: '0.01', exact_amount_usd: '0.005000000', amount: '0.01', unit_kind: '', units: 0, calls: 2, cost_usd: '0.01', exact_cost_usd: '0.005000000',
      },
    ]);
    // All the calls are one gpt-4o line: 0.615 + 0.1 + 0.005 = 0.72. October: a3, 1 x 0.40.
    expect(inv.lines.map((l) => [l.calls, l.cost_usd])).toEqual([[9, '0.72']]);
    expect([inv.base_cost_usd, inv.markup_pct, inv.markup_usd, inv.total_usd]).toEqual(['0.72', 0, '0.00', '0.80']);
    expect([inv.previous_period_total_usd, inv.change_pct]).toEqual(['0.40', '100.00']);
    expect((await invoice('globex', '2026-10')).plan_lines.map((l) => [l.kind, l.units, l.amount_usd, l.cost_usd])).toEqual([['units', 1, '0.40', '0.10']]);
  });

  it('bills a per-unit period without calls 0.00, with no per-unit figures', async () => {
    const inv = await invoice('quiet');
    expect(inv.plan_lines).toEqual([
      {
        kind: 'units', description: '0 article x 0.40 USD', note: 'AI cost 0.00 USD over 0 call(s); margin 0.00 USD', billed: true,
        amount_usd: '0.00', exact_amount_usd: '0.000000000', amount: '0.00',
        unit_kind: 'article', units: 0, calls: 0, cost_usd: '0.00', exact_cost_usd: '0.000000000', unit_price_usd: '0.400000000',
        margin_usd: '0.00', cost_per_unit_usd: null, margin_per_unit_usd: null,
      },
    ]);
    expect([inv.total_usd, inv.change_pct]).toEqual(['0.00', null]);
  });

  it('prints a per-unit invoice from the CLI (table, json, csv) and the PDF', async () => {
    let out = '';
    const io = { stdout: { write: (t: string) => void (out += t) }, stderr: { write: (t: string) => void (out += t) }, env: env(), cwd: tmpdir() };
    const cli = async (...args: string[]) => {
      out = '';
      expect(await main(['invoice', 'globex', '--period', '2026-11', ...args, '--config', configPath], io)).toBe(0);
      return out;
    };
    expect(JSON.parse(await cli('--format', 'json'))).toEqual(await invoice('globex'));
    expect((await cli('--format', 'csv')).split('\r\n').slice(2, -1)).toEqual([
      'globex,2026-11,units,2 article x 0.40 USD (AI cost 0.62 USD over 5 call(s); margin 0.18 USD),,,5,,,,,,0.80,USD,0.80',
      'globex,2026-11,other_unit,AI cost of conversation work (not billed under the plan) (2 call(s) for 1 new conversation) [not billed],,,2,,,,,,0.10,USD,0.10',
      'globex,2026-11,no_unit,AI cost of calls without a unit (not billed under the plan) (2 call(s)) [not billed],,,2,,,,,,0.01,USD,0.01',
      'globex,2026-11,total,Total,,,,,,,,,0.80,USD,0.80',
      'globex,2026-11,previous_total,Total 2026-10 (change 100.00%),,,,,,,,,0.40,USD,0.40',
    ]);
    const table = await cli();
    expect(table).toMatch(/article\s+2\s+5\s+0\.62\s+0\.18\s+0\.307500000\s+0\.092500000/);
    expect(table).toMatch(/conversation\s+1\s+2\s+0\.10\s+-\s+-\s+-/);
    expect(table).toMatch(/\(no unit\)\s+0\s+2\s+0\.01/);
    expect(table).toMatch(/2 article x 0\.40 USD\s+0\.80/);
    expect(table).toMatch(/\ntotal\s+0\.80/);
    const pdfPath = join(mkdtempSync(join(tmpdir(), 'tl-unit-pdf-')), 'globex.pdf');
    await cli('--format', 'pdf', '--out', pdfPath);
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString();
    expect(text).toMatch(/2 article x 0\.40 USD\s+0\.80/);
    expect(text).toMatch(/AI cost 0\.62 USD over 5 call\(s\); margin 0\.18 USD/);
    expect(text).toMatch(/AI cost of calls without a unit \(not billed under the plan\) \(not billed\)\s+0\.01/);
    expect(text).toMatch(/Total due \(USD\)\s+0\.80/);
  });

  it('writes each client\'s plan type to the clients table', async () => {
    const rows = await db.queryRows(`SELECT id, plan_type, markup_bp FROM ${db.name}.clients FINAL WHERE id IN ('globex', 'over', 'seed') ORDER BY id`);
    expect(rows).toEqual([{ id: 'globex', plan_type: 'per_unit', markup_bp: 0 }, { id: 'over', plan_type: 'retainer', markup_bp: 0 }, { id: 'seed', plan_type: 'cost_plus', markup_bp: 2500 }]);
  });
});
