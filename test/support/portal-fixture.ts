import { createStoreClient } from '../../packages/receiver/src/clickhouse/store-client.js';
import { migrate } from '../../packages/receiver/src/clickhouse/migrate.js';
import { loadConfig, parseFileConfig } from '../../packages/receiver/src/config/load-config.js';
import { defaultPlugins } from '../../packages/receiver/src/server/default-plugins.js';
import type { ReceiverPlugin } from '../../packages/receiver/src/server/receiver.js';
import { startServer, type RunningServer } from '../../packages/receiver/src/server/start-server.js';
import { insertCalls, type CallRow } from '../../packages/receiver/src/store/llm-calls.js';
import { createTestDatabase, type TestDatabase } from './clickhouse.js';
import { sampleRow } from './sample-call-row.js';

/** The receiver's clock in portal tests: 20 November 2026, noon UTC. */
export const PORTAL_NOW = new Date('2026-11-20T12:00:00Z');

export const PORTAL_TOKENS = { operator: 'operator-token-0123456789', acme: 'acme-token-0123456789', globex: 'globex-token-0123456789' };

export const PORTAL_YAML = `clients:
  - id: acme
    name: Acme Corp
    markup_pct: 25
    monthly_budget_usd: 15
    alert_thresholds_pct: [50, 80, 100]
  - id: globex
    name: Globex
    markup_pct: 10
    monthly_budget_usd: 2
    invoice_currency: { code: EUR, usd_rate: 0.92 }
portal:
  title: Northwind AI Billing
  accent_color: "#0f766e"
`;

let serial = 0;
const span = () => (++serial).toString(16).padStart(16, '0');

// gpt-4o, 50,000 in / 20,000 out: $0.125 + $0.20 = $0.325 a call.
const gpt4o: Partial<CallRow> = { input_tokens: 50_000, output_tokens: 20_000, input_cost_nanos: '125000000', output_cost_nanos: '200000000', cost_nanos: '325000000' };

function call(client: string, day: string, overrides: Partial<CallRow> = {}): CallRow {
  return sampleRow({ ...gpt4o, client_id: client, timestamp: `${day} 10:00:00`, received_at: `${day} 10:00:01`, trace_id: span().padStart(32, '0'), span_id: span(), ...overrides });
}

const claude: Partial<CallRow> = {
  provider: 'anthropic', request_model: 'claude-sonnet-4', response_model: 'claude-sonnet-4-20250514', price_key: 'anthropic/claude-sonnet-4',
  // 100,000 in / 30,000 out: $0.30 + $0.45 = $0.75 a call.
  input_tokens: 100_000, output_tokens: 30_000, input_cost_nanos: '300000000', output_cost_nanos: '450000000', cost_nanos: '750000000',
};
const unpriced: Partial<CallRow> = { request_model: 'acme-finetune-7', response_model: '', price_key: '', priced: 0, input_cost_nanos: '0', output_cost_nanos: '0', cost_nanos: '0' };
const unmetered: Partial<CallRow> = { input_tokens: 0, output_tokens: 0, metered: 0, input_cost_nanos: '0', output_cost_nanos: '0', cost_nanos: '0' };

/** Calls in November 2026 (the current period) and October (the previous one), exact costs known. */
export function portalCalls(): CallRow[] {
  const rows: CallRow[] = [];
  for (let d = 2; d <= 19; d += 1) {
    const day = `2026-11-${String(d).padStart(2, '0')}`;
    rows.push(call('acme', day, { project: d % 2 ? 'support-bot' : 'search', feature: d % 3 ? 'summarize' : 'chat' }));
    if (d % 4 === 0) rows.push(call('acme', day, { ...claude, project: 'search', feature: 'chat' }));
    if (d % 5 === 0) rows.push(call('globex', day, { ...claude, project: 'newsroom', feature: 'headline' }));
  }
  rows.push(call('acme', '2026-11-10', unpriced), call('acme', '2026-11-11', unpriced), call('acme', '2026-11-12', unmetered));
  rows.push(call('globex', '2026-11-13', unmetered));
  rows.push(call('', '2026-11-14'), call('', '2026-11-15', claude));
  for (let d = 1; d <= 9; d += 1) rows.push(call('acme', `2026-10-0${d}`, { project: 'search' }));
  return rows;
}

export interface PortalReceiver {
  db: TestDatabase;
  server: RunningServer;
  url: string;
  stop(): Promise<void>;
}

/** A real receiver (default plugins, portal included) on 127.0.0.1:0 over a fresh database holding portalCalls(). */
export async function startPortalReceiver(prefix: string, env: Record<string, string> = {}, extraPlugins: ReceiverPlugin[] = []): Promise<PortalReceiver> {
  const db = await createTestDatabase(prefix);
  const config = await loadConfig({ env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name, PORT: '0', TOKENLEDGER_LISTEN_HOST: '127.0.0.1', ...env } });
  config.file = parseFileConfig(PORTAL_YAML, 'test.yaml');
  const store = createStoreClient(config.clickhouse);
  await migrate(store, { database: db.name, cluster: null });
  await insertCalls(store, portalCalls());
  await store.close();
  const server = await startServer(config, { write: () => undefined }, { plugins: [...defaultPlugins, ...extraPlugins], now: () => PORTAL_NOW });
  return {
    db,
    server,
    url: server.url,
    async stop() {
      await server.stop();
      await db.drop();
    },
  };
}

export const PORTAL_API_TOKENS = `${PORTAL_TOKENS.operator},acme=${PORTAL_TOKENS.acme},globex=${PORTAL_TOKENS.globex}`;
