import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ident, joinSql, literal, quoteString, sql } from './sql.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/clickhouse.js';

const hostile = [
  "'",
  "\\'",
  "\\",
  "'; DROP TABLE x; --",
  "x' OR 1=1 --",
  '\u0000nul',
  'new\nline\r\ttab',
  'back\\slash at end\\',
  "quote at end'",
  '😀 unicode ünïcödé',
  '\\x27',
  "''",
  '`backtick`',
  '"double"',
  '{name:String}',
  '\u007f del',
];

describe('quoteString', () => {
  it('escapes quotes, backslashes and control bytes', () => {
    expect(quoteString("it's")).toBe("'it\\'s'");
    expect(quoteString('a\\b')).toBe("'a\\\\b'");
    expect(quoteString('a\nb')).toBe("'a\\x0ab'");
  });

  it('renders values of every type', () => {
    expect(literal(12n)).toBe('12');
    expect(literal(true)).toBe('1');
    expect(literal(['a', 1])).toBe("['a', 1]");
    expect(literal(new Date('2026-01-02T03:04:05.678Z'))).toBe("toDateTime('2026-01-02 03:04:05', 'UTC')");
    expect(() => literal(Number.NaN)).toThrow(TypeError);
    expect(joinSql([sql`a = ${1}`, sql`b = ${'x'}`], ' AND ').text).toBe("a = 1 AND b = 'x'");
  });

  it('refuses identifiers that are not plain names', () => {
    expect(ident('llm_calls').text).toBe('llm_calls');
    for (const bad of ['a b', 'a;b', '1abc', 'a`b', '', 'db.table']) expect(() => ident(bad)).toThrow(TypeError);
  });
});

describe('quoteString on a real ClickHouse', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sql_quote');
  });
  afterAll(async () => db.drop());

  it('round-trips every hostile string unchanged', async () => {
    for (const value of hostile) {
      const rows = await db.queryRows<{ v: string }>(sql`SELECT ${value} AS v`.text);
      expect(rows).toEqual([{ v: value }]);
    }
  });

  it('keeps a hostile value inside a WHERE clause', async () => {
    await db.command(`CREATE TABLE ${db.name}.t (s String) ENGINE = MergeTree ORDER BY s`);
    await db.command(`INSERT INTO ${db.name}.t VALUES ('a'), ('b')`);
    for (const value of hostile) {
      const rows = await db.queryRows<{ c: string }>(sql`SELECT count() AS c FROM ${ident(db.name)}.t WHERE s = ${value}`.text);
      expect(rows).toEqual([{ c: '0' }]);
    }
  });
});

describe('external data', () => {
  it('carries hostile values to ClickHouse unchanged', async () => {
    const { createStoreClient } = await import('./store-client.js');
    const db = await createTestDatabase('external');
    const store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    try {
      const rows = await store.queryWithTable<{ v: string }>('SELECT v FROM ext ORDER BY v', { name: 'ext', structure: 'v String', rows: hostile.map((h) => [h]) });
      expect(rows.map((r) => r.v)).toEqual([...hostile].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
