import { randomBytes } from 'node:crypto';
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { inject } from 'vitest';

export interface TestDatabase {
  name: string;
  url: string;
  client: ClickHouseClient;
  command(query: string): Promise<void>;
  queryRows<T>(query: string): Promise<T[]>;
  drop(): Promise<void>;
}

export function clickhouseUrl(): string {
  return inject('clickhouseUrl') ?? process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
}

/**
 * Output settings under which every engine writes the same text for the same values, so a test
 * compares exact strings on 18.16 and on current ClickHouse alike: 64-bit integers quoted in
 * JSON (18.16's default; 26.7 sends numbers) and Decimals with their trailing zeros (18.16
 * always; since 21.9 only when asked, and 18.16 refuses the setting's name). Chosen by what the
 * server knows (system.settings), not by a version number.
 */
const COMPARABLE: ClickHouseSettings = { output_format_json_quote_64bit_integers: 1, output_format_decimal_trailing_zeros: 1 };
const known = new Map<string, Promise<ClickHouseSettings>>();

export function comparableSettings(url: string): Promise<ClickHouseSettings> {
  let settings = known.get(url);
  if (!settings) {
    const names = Object.keys(COMPARABLE).map((n) => `'${n}'`).join(', ');
    const query = `SELECT name FROM system.settings WHERE name IN (${names}) FORMAT TabSeparated`;
    settings = fetch(url, { method: 'POST', body: query })
      .then(async (response) => {
        if (!response.ok) throw new Error(`ClickHouse at ${url}: ${(await response.text()).split('\n')[0]}`);
        const names = new Set((await response.text()).split('\n'));
        return Object.fromEntries(Object.entries(COMPARABLE).filter(([name]) => names.has(name)));
      });
    known.set(url, settings);
  }
  return settings;
}

/** A fresh, randomly named database per test file, dropped at the end (as clickhouse-js does). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const url = clickhouseUrl();
  const name = `tl_test_${prefix}_${randomBytes(4).toString('hex')}`;
  const client = createClient({ url, request_timeout: 60_000, clickhouse_settings: await comparableSettings(url), log: { level: ClickHouseLogLevel.OFF } });
  await client.command({ query: `CREATE DATABASE ${name}` });
  return {
    name,
    url,
    client,
    async command(query) {
      await client.command({ query });
    },
    async queryRows<T>(query: string) {
      const result = await client.query({ query, format: 'JSONEachRow' });
      return (await result.json()) as T[];
    },
    async drop() {
      await client.command({ query: `DROP DATABASE IF EXISTS ${name}` });
      await client.close();
    },
  };
}
