import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileWorld, type ReconcileWorld } from './support/reconcile-fixture.js';

const doc = readFileSync(new URL('../docs/schema.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Reconciliation tables'), doc.indexOf('## Why the schema looks like this'));
const [perDay, perClient, imports] = [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);

let world: ReconcileWorld;
const run = (query: string) => world.db.queryRows<Record<string, string>>(query.replaceAll('tokenledger.', `${world.db.name}.`));
// JSON turns Decimal into a float; toString shows the exact decimal ClickHouse computed (current
// ClickHouse drops its trailing zeros, 18.16 keeps all 9: padded back here, as text, so both read alike).
const nineDecimals = (text: string) => {
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(9, '0')}`;
};
const exact = async (query: string, cols: string[]) =>
  (await run(`SELECT ${cols.map((c) => (c.endsWith('_usd') ? `toString(${c}) AS ${c}` : c)).join(', ')} FROM (${query})`)).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k.endsWith('_usd') ? nineDecimals(v) : v])),
  );

beforeAll(async () => {
  world = await reconcileWorld('reconcile_doc');
  await world.importDays('2026-10-01', '2026-10-08', { now: new Date('2026-10-08T01:00:00Z') });
  await world.importDays('2026-10-01', '2026-10-08', { now: new Date('2026-10-08T02:00:00Z'), provider: 'openai' });
});
afterAll(() => world.close());

describe('the reconciliation queries of docs/schema.md', () => {
  it('sets the bill per day against tracked spend', async () => {
    expect(await exact(perDay!, ['day', 'provider', 'provider_usd', 'tracked_usd'])).toEqual([
      { day: '2026-10-01', provider: 'anthropic', provider_usd: '0.003855000', tracked_usd: '0.003855000' },
      { day: '2026-10-01', provider: 'openai', provider_usd: '0.007600000', tracked_usd: '0.007500000' },
      { day: '2026-10-02', provider: 'anthropic', provider_usd: '0.003855000', tracked_usd: '0.004000000' },
      { day: '2026-10-02', provider: 'openai', provider_usd: '0.020000000', tracked_usd: '0.010000000' },
      { day: '2026-10-03', provider: 'openai', provider_usd: '0.002100000', tracked_usd: '0.000000000' },
      { day: '2026-10-04', provider: 'openai', provider_usd: '0.000000000', tracked_usd: '0.003250000' },
    ]);
  });

  it('gives per-client spend from the provider figures, a re-import counted once', async () => {
    expect(await exact(perClient!, ['client_id', 'provider', 'provider_usd', 'input_tokens', 'output_tokens'])).toEqual([
      { client_id: '', provider: 'openai', provider_usd: '0.002100000', input_tokens: '10000', output_tokens: '1000' },
      { client_id: 'acme', provider: 'anthropic', provider_usd: '0.007710000', input_tokens: '1000', output_tokens: '400' },
      { client_id: 'acme', provider: 'openai', provider_usd: '0.007600000', input_tokens: '6000', output_tokens: '500' },
      { client_id: 'globex', provider: 'openai', provider_usd: '0.020000000', input_tokens: '2000', output_tokens: '1000' },
    ]);
  });

  it('names the current import of each day: the second one for openai', async () => {
    const rows = await run(imports!);
    expect(rows).toHaveLength(14);
    const ids = [...new Set(rows.map((r) => r.current_import))];
    expect(ids).toHaveLength(2);
    expect(rows.filter((r) => r.provider === 'openai').every((r) => r.current_import === ids.sort()[1])).toBe(true);
    expect(rows.find((r) => r.provider === 'openai' && r.day === '2026-10-01')!.rows).toBe('5');
  });
});
