import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseCodeOf } from '../packages/receiver/src/clickhouse/clickhouse-errors.js';
import { createStoreClient, type StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';

/**
 * What the receiver and the suite ask of ClickHouse's HTTP interface, asserted on every engine:
 * on 18.16 these pin the server's behaviour, on chdb they prove the stand-in
 * (test/support/chdb-server) answers the same way, so the rest of the suite means the same there.
 */
/**
 * The exception code of a failed request, as the receiver reads it (clickhouseCodeOf): current
 * servers answer `Code: 60. DB::Exception: ... (UNKNOWN_TABLE)`, which @clickhouse/client parses
 * into `code`; 18.16's `Code: 60, e.displayText() = ...` leaves the code in the message alone.
 */
async function codeOf(request: Promise<unknown>): Promise<string | undefined> {
  const err = await request.then(() => null, (e: unknown) => e);
  return err === null ? undefined : String(clickhouseCodeOf(err));
}

describe('the ClickHouse HTTP interface the receiver uses', () => {
  let db: TestDatabase;
  let store: StoreClient;
  beforeAll(async () => {
    db = await createTestDatabase('http_interface');
    store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    await db.command(`CREATE TABLE ${db.name}.t (k String, n UInt64) ENGINE = MergeTree ORDER BY k`);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('answers a bad statement with its exception code', async () => {
    expect(await codeOf(store.queryRows(`SELECT * FROM ${db.name}.no_such_table`))).toBe('60');
    expect(await codeOf(store.command('SELEC 1'))).toBe('62');
  });

  it('takes TabSeparated rows after an INSERT in the URL, gzip-compressed or not', async () => {
    await store.insertBytes(`${db.name}.t`, ['k', 'n'], Buffer.from('a\t1\nb\\tc\t18446744073709551615\n'));
    const url = new URL(db.url);
    url.searchParams.set('query', `INSERT INTO ${db.name}.t (k, n) FORMAT TabSeparated`);
    const response = await fetch(url, { method: 'POST', body: gzipSync('z\t7\n'), headers: { 'Content-Encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(await store.queryRows(`SELECT k, n FROM ${db.name}.t ORDER BY k`)).toEqual([
      { k: 'a', n: '1' },
      { k: 'b\tc', n: '18446744073709551615' },
      { k: 'z', n: '7' },
    ]);
  });

  it('reads an external table sent with the query, seen by that query only', async () => {
    const rows = await store.queryWithTable<{ k: string }>(`SELECT k FROM ${db.name}.t WHERE k IN (SELECT x FROM keys) ORDER BY k`, {
      name: 'keys',
      structure: 'x String',
      rows: [['a'], ['z'], ['missing']],
    });
    expect(rows).toEqual([{ k: 'a' }, { k: 'z' }]);
    expect(await codeOf(store.queryRows('SELECT x FROM keys'))).toBe('60');
  });

  it('applies a setting given in the URL to that statement alone', async () => {
    const numbers = 'SELECT toUInt64(5) AS n';
    const read = async (quote: 0 | 1) => (await db.client.query({ query: numbers, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: quote } })).json();
    expect(await read(0)).toEqual([{ n: 5 }]);
    expect(await read(1)).toEqual([{ n: '5' }]);
    expect(await read(0)).toEqual([{ n: 5 }]);
  });

  it('resolves unqualified names in the database the client names', async () => {
    const { createClient } = await import('@clickhouse/client');
    const client = createClient({ url: db.url, database: db.name });
    try {
      expect(await (await client.query({ query: 'SELECT toString(count()) AS c FROM t', format: 'JSONEachRow' })).json()).toEqual([{ c: '3' }]);
    } finally {
      await client.close();
    }
  });
});
