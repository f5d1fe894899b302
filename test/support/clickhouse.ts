import { randomBytes } from 'node:crypto';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
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

/** A fresh, randomly named database per test file, dropped at the end (as clickhouse-js does). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const url = clickhouseUrl();
  const name = `tl_test_${prefix}_${randomBytes(4).toString('hex')}`;
  const client = createClient({ url, request_timeout: 60_000, log: { level: ClickHouseLogLevel.OFF } });
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
