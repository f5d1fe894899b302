import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/clickhouse.js';
import { migrate } from '../clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../clickhouse/store-client.js';
import { pendingCalls } from '../ingest/pending-calls.js';
import { prepareIngestRows, storeCalls } from '../ingest/store-calls.js';
import { TsvWriter, type TsvValue } from '../clickhouse/tsv-rows.js';
import { CALL_COLUMNS, callKey, callRowsTsv, type CallRow } from './llm-calls.js';
import { sampleRow } from '../../../../test/support/sample-call-row.js';

describe('llm_calls on a real ClickHouse', () => {
  let db: TestDatabase;
  let store: StoreClient;
  beforeAll(async () => {
    db = await createTestDatabase('llm_calls');
    store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    await migrate(store, { database: db.name, cluster: null });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('writes a call and reads it back with exact money, also past 2^53 nano-USD', async () => {
    const big = sampleRow({ span_id: 'b7ad6b7169203332', cost_nanos: '9007199254740993', output_cost_nanos: '9007199254740993', unit_kind: 'article', unit_id: 'a\t1' });
    await storeCalls(store, [sampleRow(), big]);
    const rows = await db.queryRows<Record<string, unknown>>(`SELECT * FROM ${db.name}.llm_calls FINAL ORDER BY span_id`);
    expect(rows).toEqual([
      { ...sampleRow(), input_tokens: '500', cached_input_tokens: '0', cache_write_tokens: '0', cache_write_1h_tokens: '0', output_tokens: '200', reasoning_tokens: '0', duplicate_of: '', unit_kind: '', unit_id: '' },
      { ...big, input_tokens: '500', cached_input_tokens: '0', cache_write_tokens: '0', cache_write_1h_tokens: '0', output_tokens: '200', reasoning_tokens: '0', duplicate_of: '' },
    ]);
    const [sum] = await db.queryRows<{ usd: string }>(`SELECT toString(sum(cost_nanos)) AS usd FROM ${db.name}.llm_calls`);
    expect(sum).toEqual({ usd: '9007199257990993' });
  });

  it('stores a re-sent call once and keeps the rollup equal to the calls', async () => {
    const row = sampleRow({ span_id: 'c000000000000001', timestamp: '2026-11-03 10:00:00' });
    expect(await storeCalls(store, [row, row])).toEqual({ stored: [row], inserted: 1, duplicates: 1 });
    expect(await storeCalls(store, [row])).toEqual({ stored: [], inserted: 0, duplicates: 1 });
    const [daily] = await db.queryRows(`SELECT sum(calls) AS calls, sum(cost_nanos) AS cost FROM ${db.name}.llm_usage_daily WHERE day = '2026-11-03'`);
    expect(daily).toEqual({ calls: '1', cost: '3250000' });
  });

  it('drops a call that the batch being inserted holds, before ClickHouse can show it', async () => {
    const inFlight = sampleRow({ span_id: 'd000000000000001' });
    const fresh = sampleRow({ span_id: 'd000000000000002' });
    const [pendingInFlight, pendingFresh] = pendingCalls([inFlight, fresh]);
    const beingInserted = await prepareIngestRows(store, [pendingInFlight!]);
    const batch = await prepareIngestRows(store, [pendingInFlight!, pendingFresh!], beingInserted);
    expect(batch).toEqual({ calls: [pendingFresh], keys: new Set([callKey(fresh)]), links: [], duplicates: 1 });
  });
});

describe('TabSeparated inserts', () => {
  const hostile = ["'", '\\', "x'; DROP TABLE t; --", 'tab\there', 'line\nbreak', 'cr\rhere', 'nul\u0000byte', '\\N', "[']", '😀 ünï', '\\t literal'];

  /** The plain way to encode: every column by name, each value by its type. */
  const byColumnName = (rows: readonly CallRow[]) => {
    const w = new TsvWriter();
    for (const row of rows) {
      for (const [i, column] of CALL_COLUMNS.entries()) {
        if (i) w.tab();
        w.value(row[column] as TsvValue | undefined);
      }
      w.endRow();
    }
    return w.bytes();
  };

  it('encodes calls as encoding each column by name does, hostile text in every string column', () => {
    const strings = CALL_COLUMNS.filter((c) => typeof sampleRow()[c] === 'string' || c === 'duplicate_of');
    expect(strings.length).toBeGreaterThan(20);
    const rows = hostile.map((text, i) => {
      const row: Record<string, unknown> = { ...sampleRow(), tag_keys: [text, 'k'], tag_values: [], producer_cost_nanos: i % 2 ? '17' : null };
      strings.forEach((column, j) => (row[column] = `${hostile[(i + j) % hostile.length]}${j}`));
      if (i === 0) delete row.duplicate_of;
      return row as unknown as CallRow;
    });
    const bytes = callRowsTsv(rows);
    expect(bytes.equals(byColumnName(rows))).toBe(true);
    expect(bytes.toString('utf8').split('\n')).toHaveLength(rows.length + 1);
  });

  it('stores hostile text in every string and array column unchanged', async () => {
    const db = await createTestDatabase('tsv_insert');
    const store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    try {
      await migrate(store, { database: db.name, cluster: null });
      const rows = hostile.map((text, i) =>
        sampleRow({ span_id: `e${String(i).padStart(15, '0')}`, project: text, user_id: text, tag_keys: [text, 'k'], tag_values: ['v', text], producer_cost_nanos: i % 2 ? '17' : null }),
      );
      await storeCalls(store, rows);
      const back = await db.queryRows<{ project: string; user_id: string; tag_keys: string[]; tag_values: string[]; producer_cost_nanos: string | null }>(
        `SELECT project, user_id, tag_keys, tag_values, producer_cost_nanos FROM ${db.name}.llm_calls ORDER BY span_id`,
      );
      expect(back).toEqual(rows.map((r) => ({ project: r.project, user_id: r.user_id, tag_keys: r.tag_keys, tag_values: r.tag_values, producer_cost_nanos: r.producer_cost_nanos })));
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
