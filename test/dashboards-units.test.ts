// The "Cost per unit" panel of the client-detail dashboard, its SQL as the plugin sends it, on the
// real ClickHouse over calls seeded here (its own month, so the shared dashboard fixture keeps its
// figures). Nano-USD by hand in the comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { insertCalls } from '../packages/receiver/src/store/llm-calls.js';
import { comparableSettings, createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { loadDashboard, panelByTitle, panelRunner, renderSql, type PanelRunner } from './support/dashboard-queries.js';
import type { QueryTime } from './support/grafana-macros.js';
import { sampleRow } from './support/sample-call-row.js';

const october: QueryTime = { from: new Date('2026-10-01T00:00:00.000Z'), to: new Date('2026-10-31T23:59:59.999Z'), intervalMs: 3_600_000 };

let db: TestDatabase;
let store: StoreClient;
let runner: PanelRunner;

let n = 0;
const call = (at: string, unit_kind: string, unit_id: string, cost = 3_250_000, over = {}) =>
  sampleRow({ timestamp: at, span_id: (++n).toString(16).padStart(16, '0'), unit_kind, unit_id, cost_nanos: String(cost), ...over });

beforeAll(async () => {
  db = await createTestDatabase('dash_units');
  store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
  await migrate(store, { database: db.name, cluster: null });
  const first = call('2026-10-02 10:00:00', 'article', 'a-1');
  await insertCalls(store, [
    first,
    call('2026-10-03 10:00:00', 'article', 'a-1'),
    call('2026-10-04 10:00:00', 'article', 'a-2', 4_500_001),
    call('2026-10-05 10:00:00', 'conversation', 'c-1'),
    call('2026-10-06 10:00:00', '', ''),
    // never billed: a span settle marked as repeating another, another client, another month
    call('2026-10-07 10:00:00', 'conversation', 'c-9', 3_250_000, { duplicate_of: first.span_id }),
    call('2026-10-08 10:00:00', 'article', 'g-1', 3_250_000, { client_id: 'globex' }),
    call('2026-11-01 00:00:00', 'article', 'a-7'),
  ]);
  await insertCalls(store, [first]); // a re-send that raced past the already-stored check
  // a call marked a duplicate later, by its revision 1: the panel reads each call's newest revision
  const marked = call('2026-10-09 10:00:00', 'article', 'a-3');
  await insertCalls(store, [marked]);
  await insertCalls(store, [{ ...marked, duplicate_of: first.span_id, revision: 1 }]);
  runner = panelRunner(db.url, db.name, await comparableSettings(db.url));
});
afterAll(async () => {
  await runner?.close();
  await store?.close();
  await db?.drop();
});

describe('Client detail "Cost per unit"', () => {
  it('distinct units per kind, calls, cost and cost per unit rounded half-up to the nano-USD', async () => {
    const sql = renderSql(panelByTitle(loadDashboard('client-detail'), 'Cost per unit').targets[0]!.rawSql, october, { client: 'acme' });
    expect(await runner.rows(sql)).toEqual([
      // a-1 twice (3,250,000 x 2, the re-send once) + a-2 4,500,001 = 11,000,001 over 2 units: 5,500,000.5 -> 5,500,001
      { unit: 'article', units: '2', calls: '3', spend_usd: '0.011000001', cost_per_unit_usd: '0.005500001' },
      { unit: 'conversation', units: '1', calls: '1', spend_usd: '0.003250000', cost_per_unit_usd: '0.003250000' },
      { unit: '(no unit)', units: '0', calls: '1', spend_usd: '0.003250000', cost_per_unit_usd: null },
    ]);
  });
});
