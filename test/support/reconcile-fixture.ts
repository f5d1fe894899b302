import { createPricer, loadCatalog, type Pricer } from '../../packages/pricing/src/index.js';
import { migrate } from '../../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../../packages/receiver/src/clickhouse/store-client.js';
import { parseFileConfig } from '../../packages/receiver/src/config/load-config.js';
import { storeCalls } from '../../packages/receiver/src/ingest/store-calls.js';
import type { FetchPolicy } from '../../packages/receiver/src/reconcile/admin-fetch.js';
import { importFromApis, type ImportSummary } from '../../packages/receiver/src/reconcile/index.js';
import { createTestDatabase, type TestDatabase } from './clickhouse.js';
import { ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY, startFakeAdminApis, type FakeAdminApis, type FakeAdminData } from './fake-admin-apis.js';
import { sampleRow } from './sample-call-row.js';

/**
 * October 2026, both sides of the bill (nano-USD in comments; docs/reconciliation.md walks
 * through the same days):
 * 10-01 openai gpt-4o: provider 7,500,000 = tracked 7,500,000 (match); text-embedding-3-small
 *       provider 100,000, nothing tracked (provider_only); anthropic claude-sonnet-4 3,855,000 both (match,
 *       the tracked call names the alias claude-sonnet-4-0, the provider the dated snapshot)
 * 10-02 openai gpt-4o: provider 20,000,000 for 2,000 in / 1,000 out, tracked 10,000,000 for half
 *       the tokens (under_tracked: a lost span); anthropic: the same tokens, tracked 4,000,000
 *       (over_tracked: a price error)
 * 10-03 openai gpt-4o-mini: provider 2,100,000, nothing tracked (provider_only)
 * 10-04 openai gpt-4o: tracked 3,250,000, the provider reported nothing (no_provider_data)
 */
export function reconcileProviderData(): FakeAdminData {
  const claudeDay = (day: string) => ({ day, model: 'claude-sonnet-4-20250514', workspace_id: 'wrkspc_acme', api_key_id: 'apikey_01', uncached_input_tokens: 100, cache_read_input_tokens: 300, cache_5m: 60, cache_1h: 40, output_tokens: 200 });
  const claudeCosts = (day: string) =>
    [
      ['uncached_input_tokens', '0.03'],
      ['cache_read_input_tokens', '0.009'],
      ['cache_creation.ephemeral_5m_input_tokens', '0.0225'],
      ['cache_creation.ephemeral_1h_input_tokens', '0.024'],
      ['output_tokens', '0.3'],
    ].map(([tokenType, cents]) => ({ day, model: 'claude-sonnet-4-20250514', description: 'Claude Sonnet 4 Usage', workspace_id: 'wrkspc_acme', token_type: tokenType!, cost_type: 'tokens', amount: cents! }));
  return {
    openai: {
      completions: [
        { day: '2026-10-01', model: 'gpt-4o-2024-08-06', project_id: 'proj_acme', api_key_id: 'key_a', input_tokens: 1000, input_cached_tokens: 200, output_tokens: 500, num_model_requests: 2 },
        { day: '2026-10-02', model: 'gpt-4o-2024-08-06', project_id: 'proj_acme', api_key_id: 'key_globex', input_tokens: 2000, input_cached_tokens: 0, output_tokens: 1000, num_model_requests: 4 },
        { day: '2026-10-03', model: 'gpt-4o-mini-2024-07-18', project_id: null, api_key_id: null, input_tokens: 10000, input_cached_tokens: 0, output_tokens: 1000, num_model_requests: 10 },
      ],
      embeddings: [{ day: '2026-10-01', model: 'text-embedding-3-small', project_id: 'proj_acme', api_key_id: 'key_a', input_tokens: 5000, input_cached_tokens: 0, output_tokens: 0, num_model_requests: 1 }],
      costs: [
        { day: '2026-10-01', line_item: 'gpt-4o-2024-08-06, input', project_id: 'proj_acme', api_key_id: 'key_a', value: '0.0025' },
        { day: '2026-10-01', line_item: 'gpt-4o-2024-08-06, output', project_id: 'proj_acme', api_key_id: 'key_a', value: '0.005' },
        { day: '2026-10-01', line_item: 'text-embedding-3-small, input', project_id: 'proj_acme', api_key_id: 'key_a', value: '0.0001' },
        { day: '2026-10-02', line_item: 'gpt-4o-2024-08-06, input', project_id: 'proj_acme', api_key_id: 'key_globex', value: '0.005' },
        { day: '2026-10-02', line_item: 'gpt-4o-2024-08-06, output', project_id: 'proj_acme', api_key_id: 'key_globex', value: '0.015' },
        { day: '2026-10-03', line_item: 'gpt-4o-mini-2024-07-18, input', project_id: null, api_key_id: null, value: '0.0015' },
        // Read through a float this is 0.0006000000005 and rounds to 600,001 nanos; from its text, 600,000.
        { day: '2026-10-03', line_item: 'gpt-4o-mini-2024-07-18, output', project_id: null, api_key_id: null, value: '0.00060000000049999999' },
      ],
    },
    anthropic: { usage: [claudeDay('2026-10-01'), claudeDay('2026-10-02')], costs: [...claudeCosts('2026-10-01'), ...claudeCosts('2026-10-02')] },
  };
}

let span = 0;
const call = (timestamp: string, client: string, model: { provider: string; request: string; response: string }, tokens: { input: number; cached?: number; write5m?: number; write1h?: number; output: number }, cost: number) =>
  sampleRow({
    timestamp,
    span_id: (++span).toString(16).padStart(16, '0'),
    client_id: client,
    provider: model.provider,
    request_model: model.request,
    response_model: model.response,
    input_tokens: tokens.input,
    cached_input_tokens: tokens.cached ?? 0,
    cache_write_tokens: tokens.write5m ?? 0,
    cache_write_1h_tokens: tokens.write1h ?? 0,
    output_tokens: tokens.output,
    input_cost_nanos: String(cost),
    output_cost_nanos: '0',
    cost_nanos: String(cost),
  });

const gpt4o = { provider: 'openai', request: 'gpt-4o', response: 'gpt-4o-2024-08-06' };
const claudeAlias = { provider: 'anthropic', request: 'claude-sonnet-4-0', response: '' };

export async function seedTrackedCalls(store: StoreClient): Promise<void> {
  const claudeTokens = { input: 500, cached: 300, write5m: 60, write1h: 40, output: 200 };
  await storeCalls(store, [
    call('2026-10-01 09:00:00', 'acme', gpt4o, { input: 600, cached: 200, output: 300 }, 4_500_000),
    call('2026-10-01 10:00:00', 'acme', gpt4o, { input: 400, output: 200 }, 3_000_000),
    call('2026-10-01 11:00:00', 'acme', claudeAlias, claudeTokens, 3_855_000),
    call('2026-10-02 09:00:00', 'globex', gpt4o, { input: 1000, output: 500 }, 10_000_000),
    call('2026-10-02 10:00:00', 'acme', claudeAlias, claudeTokens, 4_000_000),
    call('2026-10-04 09:00:00', 'acme', gpt4o, { input: 500, output: 200 }, 3_250_000),
  ]);
}

/** Retries and pacing fast enough for tests (the fakes answer at once). */
export const FAST_POLICY: FetchPolicy = { attempts: 2, baseMs: 1, maxDelayMs: 10, timeoutMs: 5_000, requestsPerSecond: 100 };

/** The `sources:` of reconcile for the fakes, with the fixture's client maps (indented under `reconcile:`). */
export const sourcesYaml = (fake: FakeAdminApis) => `  sources:
    - { provider: openai, base_url: "${fake.openaiBaseUrl}", projects: { proj_acme: acme }, api_keys: { key_globex: globex } }
    - { provider: anthropic, base_url: "${fake.anthropicBaseUrl}", workspaces: { wrkspc_acme: acme } }
`;

export interface ReconcileWorld {
  db: TestDatabase;
  store: StoreClient;
  fake: FakeAdminApis;
  pricer: Pricer;
  /** Imports [from, to) from the fakes through the real importer. */
  importDays(from: string, to: string, options?: { provider?: string; now?: Date }): Promise<ImportSummary>;
  close(): Promise<void>;
}

/** A migrated test database holding the tracked calls above, and the fake admin APIs serving the provider side. */
export async function reconcileWorld(prefix: string): Promise<ReconcileWorld> {
  const db = await createTestDatabase(prefix);
  const store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
  await migrate(store, { database: db.name, cluster: null });
  await seedTrackedCalls(store);
  const fake = await startFakeAdminApis(reconcileProviderData());
  const pricer = createPricer(loadCatalog({}));
  const config = parseFileConfig(`reconcile:\n${sourcesYaml(fake)}`, 'test.yaml').reconcile!;
  return {
    db,
    store,
    fake,
    pricer,
    importDays: (from, to, options = {}) =>
      importFromApis(
        { store, pricer, now: options.now ?? new Date() },
        { config, adminKeys: { OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY }, range: { from: new Date(`${from}T00:00:00Z`), to: new Date(`${to}T00:00:00Z`) }, policy: FAST_POLICY, provider: options.provider },
      ),
    async close() {
      await fake.close();
      await store.close();
      await db.drop();
    },
  };
}
