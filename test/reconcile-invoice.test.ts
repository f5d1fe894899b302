import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientDirectory, invoiceCsv, loadInvoice } from '../packages/receiver/src/billing/index.js';
import { main } from '../packages/receiver/src/cli/main.js';
import type { StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import type { AppConfig } from '../packages/receiver/src/config/config-schema.js';
import { providerInvoiceGroups } from '../packages/receiver/src/reconcile/provider-invoice-lines.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import type { TestDatabase } from './support/clickhouse.js';
import { reconcileWorld, sourcesYaml, type ReconcileWorld } from './support/reconcile-fixture.js';

let world: ReconcileWorld;
let db: TestDatabase;
let store: StoreClient;
let config: AppConfig;
let dir: string;

beforeAll(async () => {
  world = await reconcileWorld('reconcile_invoice');
  ({ db, store } = world);
  dir = mkdtempSync(join(tmpdir(), 'tl-reconcile-invoice-'));
  writeFileSync(
    join(dir, 'tokenledger.yaml'),
    `clients:
  - { id: acme, name: Acme Corp, markup_pct: 25, invoice_from_provider_usage: true }
  - { id: globex, name: Globex }
reconcile:
${sourcesYaml(world.fake)}`,
  );
  writeFileSync(join(dir, 'bedrock.csv'), 'day,model,input_tokens,output_tokens,requests,cost_usd,client_id\n2026-10-05,anthropic.claude-3-5-sonnet-20241022-v2:0,90000,9000,30,12.345,acme\n2026-10-05,anthropic.claude-3-5-sonnet-20241022-v2:0,1000,100,1,5,globex\n');
  config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name }, configPath: join(dir, 'tokenledger.yaml') });
  await world.importDays('2026-10-01', '2026-10-08');
});
afterAll(() => world.close());

describe('invoicing from provider usage (invoice_from_provider_usage)', () => {
  it('bills the days and models with no tracked calls from the provider report, marked so, and nothing twice', async () => {
    const out = await main(['reconcile', 'import', '--file', join(dir, 'bedrock.csv'), '--provider', 'aws.bedrock', '--config', join(dir, 'tokenledger.yaml')], {
      stdout: { write: () => undefined },
      stderr: { write: (t) => void process.stderr.write(t) },
      env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name },
      cwd: dir,
    });
    expect(out).toBe(0);
    const directory = new ClientDirectory(config);
    const extra = providerInvoiceGroups(store, buildPricer(config), config);
    const invoice = await loadInvoice(store, directory.get('acme'), '2026-10', extra);
    expect(invoice.lines.map((l) => [l.provider, l.model, l.calls, l.input_tokens, l.exact_cost_usd, l.cost_usd, l.source ?? 'tracked'])).toEqual([
      ['anthropic', 'claude-sonnet-4-0', 2, 1000, '0.007855000', '0.01', 'tracked'],
      ['openai', 'gpt-4o-2024-08-06', 3, 1500, '0.010750000', '0.01', 'tracked'],
      // 10-05 Bedrock and 10-01 embeddings: acme's, provider-reported, no tracked call.
      ['aws.bedrock', 'anthropic.claude-3-5-sonnet', 30, 90000, '12.345000000', '12.35', 'provider_report'],
      ['openai', 'text-embedding-3-small', 1, 5000, '0.000100000', '0.00', 'provider_report'],
    ]);
    // Lines 0.01 + 0.01 + 12.35 + 0.00; markup 25% of the exact 12.363705 = 3.09.
    expect([invoice.base_cost_usd, invoice.markup_usd, invoice.total_usd]).toEqual(['12.37', '3.09', '15.46']);
    expect(invoiceCsv(invoice)).toContain("line,aws.bedrock anthropic.claude-3-5-sonnet (from the provider's usage report),aws.bedrock,anthropic.claude-3-5-sonnet,30,90000");
  });

  it('is off by default: globex is billed from tracked calls only', async () => {
    const invoice = await loadInvoice(store, new ClientDirectory(config).get('globex'), '2026-10', providerInvoiceGroups(store, buildPricer(config), config));
    expect(invoice.lines.map((l) => [l.model, l.cost_usd, l.source ?? 'tracked'])).toEqual([['gpt-4o-2024-08-06', '0.01', 'tracked']]);
  });
});
