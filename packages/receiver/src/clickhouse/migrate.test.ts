import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/clickhouse.js';
import { migrate, migrationsApplied, MigrationError } from './migrate.js';
import { readMigrations } from './migration-files.js';
import { createStoreClient, type StoreClient } from './store-client.js';

const ALL = readMigrations().map((m) => m.version);

describe('migrate on a real ClickHouse', () => {
  let db: TestDatabase;
  let store: StoreClient;
  const target = () => ({ database: db.name, cluster: null });

  beforeAll(async () => {
    db = await createTestDatabase('migrate');
    await db.command(`DROP DATABASE ${db.name}`); // migrate creates it
    store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('applies every migration to an empty database, in order', async () => {
    expect(await migrationsApplied(store, target())).toBe(false);
    const report = await migrate(store, target());
    expect(report).toEqual({ applied: ALL, alreadyApplied: [] });
    const tables = await db.queryRows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${db.name}' ORDER BY name`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['clients', 'ingest_stats', 'llm_calls', 'llm_usage_daily', 'llm_usage_daily_mv', 'schema_migrations']));
    expect(await migrationsApplied(store, target())).toBe(true);
  });

  it('is a no-op the second time, and runs no DDL (ON CLUSTER DDL would wait for every host)', async () => {
    const commands: string[] = [];
    const watched = { ...store, command: (q: string) => (commands.push(q), store.command(q)) };
    expect(await migrate(watched, target())).toEqual({ applied: [], alreadyApplied: ALL });
    expect(commands).toEqual([]);
  });

  it('refuses a migration that changed after it was applied', async () => {
    const changed = readMigrations().map((m) => (m.version === 1 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(store, target(), changed)).rejects.toBeInstanceOf(MigrationError);
  });
});

describe('two migrators starting at once', () => {
  it('converge on one schema without errors', async () => {
    const db = await createTestDatabase('migrate_race');
    await db.command(`DROP DATABASE ${db.name}`);
    const config = { url: db.url, username: 'default', password: '', database: db.name, cluster: null };
    const a = createStoreClient(config);
    const b = createStoreClient(config);
    try {
      const [ra, rb] = await Promise.all([migrate(a, { database: db.name, cluster: null }), migrate(b, { database: db.name, cluster: null })]);
      expect([...ra.applied, ...ra.alreadyApplied].sort((x, y) => x - y)).toEqual(ALL);
      expect([...rb.applied, ...rb.alreadyApplied].sort((x, y) => x - y)).toEqual(ALL);
      const versions = await db.queryRows<{ version: number }>(`SELECT DISTINCT version FROM ${db.name}.schema_migrations ORDER BY version`);
      expect(versions.map((v) => Number(v.version))).toEqual(ALL);
      expect(await migrationsApplied(a, { database: db.name, cluster: null })).toBe(true);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
