import { describe, expect, it } from 'vitest';
import { firstKeyword, insertTarget, isRead, splitFormat, withSettings } from './statement.js';

describe('statements as the chdb stand-in reads them', () => {
  it('splits the FORMAT the client appends', () => {
    expect(splitFormat('SELECT 1\nFORMAT JSONEachRow')).toEqual({ body: 'SELECT 1', format: 'JSONEachRow' });
    expect(splitFormat("SELECT 'FORMAT x' ;")).toEqual({ body: "SELECT 'FORMAT x'", format: null });
  });

  it('reads the target of an INSERT whose rows follow in the body', () => {
    expect(insertTarget('INSERT INTO db.llm_calls (a, `b`) FORMAT TabSeparated')).toEqual({ table: 'db.llm_calls', columns: ['a', 'b'], format: 'TabSeparated' });
    expect(insertTarget('INSERT INTO t FORMAT JSONEachRow')).toEqual({ table: 't', columns: undefined, format: 'JSONEachRow' });
    expect(insertTarget('INSERT INTO t SELECT * FROM u')).toBeNull();
  });

  it('puts URL settings on a read as its own SETTINGS clause, before FORMAT', () => {
    const settings = new Map([['output_format_json_quote_64bit_integers', '1'], ['date_time_output_format', 'iso']]);
    expect(withSettings('SELECT 1 FORMAT JSONEachRow', settings)).toBe(
      "SELECT 1\nSETTINGS output_format_json_quote_64bit_integers = 1, date_time_output_format = 'iso'\nFORMAT JSONEachRow",
    );
    expect(withSettings('SELECT 1 SETTINGS max_threads = 1', new Map([['max_block_size', '10']]))).toBe('SELECT 1 SETTINGS max_threads = 1, max_block_size = 10');
    expect(withSettings("SELECT 1", new Map([['x', "it's"]]))).toBe("SELECT 1\nSETTINGS x = 'it\\'s'");
  });

  it('tells reads from other statements, past comments and parentheses', () => {
    expect(['-- why\nWITH 1 AS x SELECT x', '(SELECT 1) UNION ALL (SELECT 2)', 'SHOW TABLES', 'EXISTS TABLE t'].map(isRead)).toEqual([true, true, true, true]);
    expect(['CREATE TABLE t (a UInt8) ENGINE = Memory', 'ALTER TABLE t DROP PARTITION 202611', 'INSERT INTO t SELECT 1'].map(isRead)).toEqual([false, false, false]);
    expect(firstKeyword('/* c */ optimize table t final')).toBe('OPTIMIZE');
  });
});
