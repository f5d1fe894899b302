import { describe, expect, it } from 'vitest';
import { periodFromLabel, previousPeriod } from './billing-period.js';
import type { ClientBilling } from './client-billing.js';
import { USD, type InvoiceCurrency } from './invoice-currency.js';
import { buildInvoice, changePct } from './invoice.js';
import type { UsageGroup } from './invoice-usage.js';
import { invoiceCsv } from './invoice-csv.js';

const client = (markupPct: number, currency: InvoiceCurrency = USD): ClientBilling => ({
  id: 'acme', name: 'Acme Corp', inConfig: true, plan: { type: 'cost_plus', markupPct }, markupPct, markupBp: markupPct * 100, budgetNanos: null, thresholds: [],
  hardCap: false, periodStartDay: 1, webhookUrl: null, webhookFormat: 'json', webhookSecret: null, spikeFactor: 0, currency,
});

const group = (model: string, calls: number, cost: bigint, priced = true, metered = true): UsageGroup => ({
  provider: 'openai', model, priced, metered, calls, input_tokens: calls * 500, cached_input_tokens: 0, cache_write_tokens: 0,
  output_tokens: calls * 200, reasoning_tokens: 0, cost_nanos: cost,
});

const nov = periodFromLabel('2026-11');
const build = (markup: number, groups: UsageGroup[], previous: UsageGroup[] = []) =>
  buildInvoice({ client: client(markup), period: nov, groups, previous: { period: previousPeriod(nov), groups: previous } });

describe('invoice currency', () => {
  it('converts each exact line at the fixed rate before rounding it, and marks up the converted exact base', () => {
    // 32.50 USD at 0.92 EUR/USD = 29.90 EUR; 25% markup of 29.90 = 7.475 -> 7.48; total 37.38.
    const eur = { code: 'EUR', rateMicros: 920_000n };
    const inv = buildInvoice({ client: client(25, eur), period: nov, groups: [group('gpt-4o', 10_000, 32_500_000_000n)], previous: { period: previousPeriod(nov), groups: [group('gpt-4o', 1, 3_250_000n)] } });
    expect([inv.currency, inv.exchange_rate]).toEqual(['EUR', '0.920000']);
    expect(inv.lines.map((l) => [l.cost_usd, l.amount])).toEqual([['32.50', '29.90']]);
    expect([inv.base_cost, inv.markup, inv.total, inv.previous_period_total]).toEqual(['29.90', '7.48', '37.38', '0.00']);
    // The USD figures stay as they were.
    expect([inv.base_cost_usd, inv.markup_usd, inv.total_usd]).toEqual(['32.50', '8.13', '40.63']);
  });

  it('rounds half-up per line in the invoice currency: 0.005 USD at 1.1 = 0.0055 -> 0.01, twice', () => {
    const inv = buildInvoice({ client: client(0, { code: 'CHF', rateMicros: 1_100_000n }), period: nov, groups: [group('a', 1, 5_000_000n), group('b', 1, 5_000_000n)], previous: { period: previousPeriod(nov), groups: [] } });
    expect([inv.lines.map((l) => l.amount), inv.total]).toEqual([['0.01', '0.01'], '0.02']);
  });

  it('is USD at rate 1 when none is configured', () => {
    const inv = build(25, [group('gpt-4o', 10_000, 32_500_000_000n)]);
    expect([inv.currency, inv.exchange_rate, inv.base_cost, inv.markup, inv.total]).toEqual(['USD', '1.000000', '32.50', '8.13', '40.63']);
  });
});

describe('invoice arithmetic (design.md "Money")', () => {
  it('bills the seed example: 32.50 base, 8.13 markup at 25%, 40.63 total', () => {
    const inv = build(25, [group('gpt-4o', 10_000, 32_500_000_000n)]);
    expect([inv.base_cost_usd, inv.markup_usd, inv.total_usd]).toEqual(['32.50', '8.13', '40.63']);
  });

  it('rounds each line on its own, sums the rounded lines, and marks up the exact base', () => {
    // 0.005 + 0.005 rounds to 0.01 + 0.01 = 0.02 (not round(0.010) = 0.01); markup 10% of 0.010 = 0.001 -> 0.00.
    const inv = build(10, [group('a', 1, 5_000_000n), group('b', 1, 5_000_000n)]);
    expect(inv.lines.map((l) => l.cost_usd)).toEqual(['0.01', '0.01']);
    expect([inv.base_cost_usd, inv.markup_usd, inv.total_usd]).toEqual(['0.02', '0.00', '0.02']);
  });

  it('lists unpriced and unmetered usage apart and never bills it', () => {
    const inv = build(0, [group('gpt-4o', 2, 6_500_000n), group('finetune', 3, 0n, false), group('gpt-4o', 1, 0n, false, false), group('gpt-4o', 4, 0n, true, false)]);
    expect(inv.lines.map((l) => l.model)).toEqual(['gpt-4o']);
    expect(inv.unpriced).toEqual([expect.objectContaining({ model: 'finetune', calls: 3, input_tokens: 1500 })]);
    expect(inv.unmetered).toEqual([{ provider: 'openai', model: 'gpt-4o', calls: 5 }]);
    expect(inv.total_usd).toBe('0.01');
  });

  it('compares with the previous period', () => {
    const inv = build(25, [group('gpt-4o', 10_000, 32_500_000_000n)], [group('gpt-4o', 5_000, 16_250_000_000n)]);
    expect([inv.previous_period, inv.previous_period_total_usd, inv.change_pct]).toEqual(['2026-10', '20.31', '100.05']);
    expect(changePct(50n, 100n)).toBe('-50.00');
    expect(changePct(50n, 0n)).toBeNull();
  });

  it('writes RFC 4180 CSV: one header, one row per line, then the totals', () => {
    const inv = build(25, [group('gpt-4o', 10_000, 32_500_000_000n), group('my,"model"', 1, 0n, false)]);
    expect(invoiceCsv(inv).split('\r\n')).toEqual([
      'client,period,type,description,provider,model,calls,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,reasoning_tokens,amount_usd,currency,amount',
      'acme,2026-11,line,openai gpt-4o,openai,gpt-4o,10000,5000000,0,0,2000000,0,32.50,USD,32.50',
      'acme,2026-11,unpriced,"openai my,""model"" (no price; not billed)",openai,"my,""model""",1,500,0,0,200,0,,,',
      'acme,2026-11,base_cost,Base cost,,,,,,,,,32.50,USD,32.50',
      'acme,2026-11,markup,Markup 25%,,,,,,,,,8.13,USD,8.13',
      'acme,2026-11,total,Total,,,,,,,,,40.63,USD,40.63',
      'acme,2026-11,previous_total,Total 2026-10,,,,,,,,,0.00,USD,0.00',
      '',
    ]);
  });
});

describe('per-unit plan arithmetic', () => {
  const perUnit = (priceNanos: bigint, currency: InvoiceCurrency = USD): ClientBilling => ({ ...client(0, currency), plan: { type: 'per_unit', unit: 'article', priceNanos }, markupPct: 0, markupBp: 0 });
  const units = [
    { unitKind: 'article', units: 412, calls: 1_030, costNanos: 12_345_678_901n },
    { unitKind: '', units: 0, calls: 40, costNanos: 1_005_000_000n },
    { unitKind: 'conversation', units: 3, calls: 12, costNanos: 500_000_000n },
  ];
  const bill = (c: ClientBilling, u = units) => buildInvoice({ client: c, period: nov, groups: [group('gpt-4o', 1_082, 13_850_678_901n)], units: u, previous: { period: previousPeriod(nov), groups: [], units: [] } });

  it('bills price x distinct units, with the AI cost and margin behind them; other calls at cost, not billed', () => {
    // 412 x 0.40 = 164.80; AI cost 12.345678901 -> 12.35; margin 164.80 - 12.35 = 152.45.
    // Per unit: cost 12.345678901 / 412 = 0.029965240(05) -> 0.029965240; margin 152.454321099 / 412 = 0.370034759(95) -> 0.370034760.
    const inv = bill(perUnit(400_000_000n));
    expect(inv.plan).toEqual({ type: 'per_unit', unit: 'article', price_per_unit_usd: '0.400000000' });
    expect(inv.plan_lines).toEqual([
      {
        kind: 'units', description: '412 article x 0.40 USD', note: 'AI cost 12.35 USD over 1030 call(s); margin 152.45 USD', billed: true,
        amount_usd: '164.80', exact_amount_usd: '164.800000000', amount: '164.80',
        unit_kind: 'article', units: 412, calls: 1_030, cost_usd: '12.35', exact_cost_usd: '12.345678901', unit_price_usd: '0.400000000',
        margin_usd: '152.45', cost_per_unit_usd: '0.029965240', margin_per_unit_usd: '0.370034760',
      },
      {
        kind: 'other_unit', description: 'AI cost of conversation work (not billed under the plan)', note: '12 call(s) for 3 new conversation', billed: false,
        amount_usd: '0.50', exact_amount_usd: '0.500000000', amount: '0.50', unit_kind: 'conversation', units: 3, calls: 12, cost_usd: '0.50', exact_cost_usd: '0.500000000',
      },
      {
        kind: 'no_unit', description: 'AI cost of calls without a unit (not billed under the plan)', note: '40 call(s)', billed: false,
        amount_usd: '1.01', exact_amount_usd: '1.005000000', amount: '1.01', unit_kind: '', units: 0, calls: 40, cost_usd: '1.01', exact_cost_usd: '1.005000000',
      },
    ]);
    expect([inv.base_cost_usd, inv.markup_pct, inv.markup_usd, inv.total_usd, inv.previous_period_total_usd, inv.change_pct]).toEqual(['13.85', 0, '0.00', '164.80', '0.00', null]);
  });

  it('rounds the units line once: 3 x 0.0125 = 0.0375 -> 0.04; converts it exactly before rounding (164.80 USD x 0.92 = 151.616 -> 151.62 EUR)', () => {
    expect(bill(perUnit(12_500_000n)).plan_lines[0]).toMatchObject({ description: '412 article x 0.0125 USD', amount_usd: '5.15' });
    const three = bill(perUnit(12_500_000n), [{ unitKind: 'article', units: 3, calls: 3, costNanos: 30_000_000n }]);
    expect(three.plan_lines[0]).toMatchObject({ amount_usd: '0.04', exact_amount_usd: '0.037500000', margin_usd: '0.01', margin_per_unit_usd: '0.002500000' });
    const eur = bill(perUnit(400_000_000n, { code: 'EUR', rateMicros: 920_000n }));
    expect(eur.plan_lines[0]).toMatchObject({ description: '412 article x 0.368 EUR', amount_usd: '164.80', amount: '151.62' });
    expect([eur.total, eur.total_usd]).toEqual(['151.62', '164.80']);
  });

  it('bills no units as 0.00, with no per-unit figures', () => {
    const inv = bill(perUnit(400_000_000n), [{ unitKind: '', units: 0, calls: 2, costNanos: 6_500_000n }]);
    expect(inv.plan_lines.map((l) => [l.kind, l.amount_usd, l.billed, 'cost_per_unit_usd' in l ? l.cost_per_unit_usd : 'absent'])).toEqual([['units', '0.00', true, null], ['no_unit', '0.01', false, 'absent']]);
    expect(inv.total_usd).toBe('0.00');
  });
});
