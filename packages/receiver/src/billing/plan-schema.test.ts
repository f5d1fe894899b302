import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../config/load-config.js';
import { ClientDirectory } from './client-billing.js';
import type { AppConfig } from '../config/config-schema.js';

const client = (plan: string, extra = '') => `clients:\n  - id: acme\n${extra}    plan: ${plan}\n`;
const directory = (yaml: string) => new ClientDirectory({ file: parseFileConfig(yaml, 'tokenledger.yaml') } as AppConfig);

describe('clients[].plan in tokenledger.yaml', () => {
  it('reads each plan with its money exact, and defaults to cost plus the markup', () => {
    const d = directory(`clients:
  - { id: acme, markup_pct: 25, plan: { type: retainer, monthly_fee_usd: 500, included_usd: 300.000000001, overage_markup_pct: 12.5 } }
  - { id: globex, plan: { type: per_unit, unit: article, price_per_unit_usd: 0.4 } }
  - { id: initech, markup_pct: 25 }
  - { id: hooli, plan: { type: cost_plus, markup_pct: 12.5 } }
  - { id: umbrella, markup_pct: 10, plan: { type: cost_plus } }
`);
    expect(d.get('acme').plan).toEqual({ type: 'retainer', feeNanos: 500_000_000_000n, includedNanos: 300_000_000_001n, overageMarkupPct: 12.5 });
    expect(d.get('globex').plan).toEqual({ type: 'per_unit', unit: 'article', priceNanos: 400_000_000n });
    expect(d.get('initech').plan).toEqual({ type: 'cost_plus', markupPct: 25 });
    expect([d.get('hooli').plan, d.get('hooli').markupBp]).toEqual([{ type: 'cost_plus', markupPct: 12.5 }, 1250]);
    expect(d.get('umbrella').plan).toEqual({ type: 'cost_plus', markupPct: 10 });
    // The clients table's markup is the cost-plus markup only: a retainer's markup_pct is not applied.
    expect([d.get('acme').markupPct, d.get('acme').markupBp, d.get('unknown').plan]).toEqual([0, 0, { type: 'cost_plus', markupPct: 0 }]);
    expect(parseFileConfig(client('{ type: retainer, monthly_fee_usd: 500, included_usd: 300 }'), 'x').clients[0]!.plan).toEqual({ type: 'retainer', monthly_fee_usd: 500, included_usd: 300, overage_markup_pct: 0 });
  });

  it.each([
    ['{ type: retainer, included_usd: 300 }', 'clients[0].plan.monthly_fee_usd: Invalid input: expected number, received undefined'],
    ['{ type: retainer, monthly_fee_usd: 500 }', 'clients[0].plan.included_usd: Invalid input: expected number, received undefined'],
    ['{ type: retainer, monthly_fee_usd: 500, included_usd: -1 }', 'clients[0].plan.included_usd: Too small: expected number to be >=0'],
    ['{ type: retainer, monthly_fee_usd: -500, included_usd: 300 }', 'clients[0].plan.monthly_fee_usd: Too small: expected number to be >=0'],
    ['{ type: retainer, monthly_fee_usd: 0, included_usd: 300 }', 'clients[0].plan.monthly_fee_usd: must be more than 0'],
    ['{ type: retainer, monthly_fee_usd: 500.005, included_usd: 300 }', 'clients[0].plan.monthly_fee_usd: at most 2 decimal places (the money code works in exact units)'],
    ['{ type: retainer, monthly_fee_usd: 500, included_usd: 300, overage_markup_pct: -30 }', 'clients[0].plan.overage_markup_pct: Too small: expected number to be >=0'],
    ['{ type: retainer, monthly_fee_usd: "500", included_usd: 300 }', 'clients[0].plan.monthly_fee_usd: Invalid input: expected number, received string'],
    ['{ type: per_unit, price_per_unit_usd: 0.4 }', 'clients[0].plan.unit: Invalid input: expected string, received undefined'],
    ['{ type: per_unit, unit: article }', 'clients[0].plan.price_per_unit_usd: Invalid input: expected number, received undefined'],
    ['{ type: per_unit, unit: article, price_per_unit_usd: 0.0000000001 }', 'clients[0].plan.price_per_unit_usd: at most 9 decimal places (the money code works in exact units)'],
    ['{ type: per_unit, unit: "", price_per_unit_usd: 0.4 }', 'clients[0].plan.unit: Too small: expected string to have >=1 characters'],
    ['{ type: flat_fee }', "clients[0].plan.type: Invalid discriminator value. Expected 'cost_plus' | 'retainer' | 'per_unit'"],
    ['{ monthly_fee_usd: 500 }', "clients[0].plan.type: Invalid discriminator value. Expected 'cost_plus' | 'retainer' | 'per_unit'"],
    ['{ type: per_unit, unit: article, price_per_unit_usd: 0.4, markup_pct: 5 }', 'unknown key clients[0].plan.markup_pct'],
    ['retainer', 'clients[0].plan: Invalid input: expected object, received string'],
  ])('refuses plan %s naming the key', (plan, message) => {
    expect(() => parseFileConfig(client(plan), 'tokenledger.yaml')).toThrow(`tokenledger.yaml: ${message}`);
  });

  it('refuses two different cost-plus markups for one client', () => {
    expect(() => parseFileConfig(client('{ type: cost_plus, markup_pct: 30 }', '    markup_pct: 25\n'), 'tokenledger.yaml')).toThrow(
      'tokenledger.yaml: clients[0].plan.markup_pct: differs from markup_pct (25): set the markup in one place',
    );
  });
});

describe('docs/billing.md "Plans"', () => {
  it('documents a config that loads as the section says', () => {
    const doc = readFileSync(new URL('../../../../docs/billing.md', import.meta.url), 'utf8');
    const yaml = /## Plans[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const d = directory(yaml);
    expect(['initech', 'acme', 'globex', 'hooli'].map((id) => d.get(id).plan)).toEqual([
      { type: 'cost_plus', markupPct: 25 },
      { type: 'retainer', feeNanos: 500_000_000_000n, includedNanos: 300_000_000_000n, overageMarkupPct: 30 },
      { type: 'per_unit', unit: 'article', priceNanos: 400_000_000n },
      { type: 'cost_plus', markupPct: 12.5 },
    ]);
  });
});
