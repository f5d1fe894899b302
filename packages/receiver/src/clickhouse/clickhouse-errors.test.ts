import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../errors.js';
import { clickhouseCode, isPermanentStoreError, retryableFailure, StoreOverloadedError, StoreRejectedError, storeError } from './clickhouse-errors.js';

describe('ClickHouse error classification', () => {
  it('reads the code from the header first, else from the body in both servers\' shapes', () => {
    expect(clickhouseCode('241', 'Code: 999. whatever')).toBe(241);
    expect(clickhouseCode(null, 'Code: 252. DB::Exception: Too many parts (300). (TOO_MANY_PARTS) (version 24.8.4.13)')).toBe(252);
    expect(clickhouseCode(null, 'Code: 164, e.displayText() = DB::Exception: Cannot insert into table in readonly mode')).toBe(164);
    expect(clickhouseCode(null, '<html>502 Bad Gateway</html>')).toBeNull();
  });

  it('tells overload, unavailability and the rows\' own fault apart', () => {
    expect(retryableFailure({ code: 252, httpStatus: 500, message: 'Too many parts (300). Merges are processing significantly slower than inserts' })).toEqual({ status: 429, name: 'TOO_MANY_PARTS' });
    expect(retryableFailure({ code: 252, httpStatus: 500, message: 'Too many partitions for single INSERT block (more than 100).' })).toBeNull();
    expect(retryableFailure({ code: 242, httpStatus: 500, message: 'Table is in readonly mode' })).toEqual({ status: 503, name: 'TABLE_IS_READ_ONLY' });
    expect(retryableFailure({ code: 60, httpStatus: 404, message: "Table tl.llm_calls doesn't exist." })).toEqual({ status: 503, name: 'UNKNOWN_TABLE' });
    expect(retryableFailure({ code: 27, httpStatus: 500, message: 'Cannot parse input' })).toBeNull();
    expect(retryableFailure({ code: null, httpStatus: 504, message: 'gateway timeout' })).toEqual({ status: 503, name: 'HTTP 504' });
    expect(retryableFailure({ code: null, httpStatus: 400, message: 'bad' })).toBeNull();
  });

  it('makes the typed error the HTTP layer and the batch writer act on', () => {
    const overload = storeError('insert', { code: 241, httpStatus: 500, message: 'Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded\nmore' });
    expect(overload).toBeInstanceOf(StoreOverloadedError);
    expect(overload.message).toBe('ClickHouse cannot take the insert now (MEMORY_LIMIT_EXCEEDED): Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded');
    expect(storeError('insert', { code: 999, httpStatus: 500, message: 'Session expired' })).toBeInstanceOf(StoreUnavailableError);
    const rejected = storeError('insert', { code: 27, httpStatus: 500, message: 'Cannot parse input' });
    expect(rejected).toBeInstanceOf(StoreRejectedError);
    expect(isPermanentStoreError(rejected)).toBe(true);
    expect(isPermanentStoreError(overload)).toBe(false);
  });
});
