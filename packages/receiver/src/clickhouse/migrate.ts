import { TokenLedgerError } from '../errors.js';
import { recordShape, renderStatements, type SchemaTarget, type TableShape } from './engines.js';
import { clickhouseCodeOf } from './clickhouse-errors.js';
import { readMigrations, type Migration } from './migration-files.js';
import { quoteString } from './sql.js';
import type { StoreClient } from './store-client.js';

/**
 * Applies numbered migrations in order and records each in schema_migrations.
 *
 * Two receivers may start at once and both migrate: every statement is idempotent (IF NOT EXISTS,
 * and the runner treats "already exists" answers as done, since 18.16 has no ADD COLUMN IF NOT
 * EXISTS), so interleaved runs converge on the same schema, and a duplicate record is harmless
 * (the table is keyed by version).
 *
 * On a cluster the statements run ON CLUSTER (see engines.ts), and schema_migrations is a Distributed
 * table like the others, so every node reads the same record. A start that finds every migration
 * applied runs no DDL at all: ON CLUSTER DDL waits for every host, and a receiver must start while a
 * replica is down.
 */

// ClickHouse error codes that mean "somebody already did this": TABLE_ALREADY_EXISTS (57),
// DUPLICATE_COLUMN (15), DATABASE_ALREADY_EXISTS (82).
const ALREADY_DONE = new Set([57, 15, 82]);

export class MigrationError extends TokenLedgerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('migration_failed', message, options);
  }
}

export interface MigrationReport {
  applied: number[];
  alreadyApplied: number[];
}

async function tolerant(client: StoreClient, statement: string): Promise<void> {
  try {
    await client.command(statement);
  } catch (err) {
    if (!ALREADY_DONE.has(clickhouseCodeOf(err) ?? 0) && !/already exists/i.test((err as Error).message)) throw err;
  }
}

async function appliedChecksums(client: StoreClient, target: SchemaTarget): Promise<Map<number, string>> {
  const rows = await client.queryRows<{ version: number; checksum: string }>(
    `SELECT version, any(checksum) AS checksum FROM ${target.database}.schema_migrations GROUP BY version`,
  );
  return new Map(rows.map((r) => [Number(r.version), r.checksum]));
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS {db}.schema_migrations {on_cluster} (version UInt32, name String, checksum String, applied_at DateTime('UTC')) ENGINE = {engine:ReplacingMergeTree(applied_at)} ORDER BY version`;

// UNKNOWN_TABLE (60), UNKNOWN_DATABASE (81): nothing was ever migrated here.
function neverMigrated(err: unknown): boolean {
  const code = clickhouseCodeOf(err);
  return code === 60 || code === 81;
}

async function bootstrap(client: StoreClient, target: SchemaTarget): Promise<void> {
  const onCluster = target.cluster ? ` ON CLUSTER ${target.cluster}` : '';
  await tolerant(client, `CREATE DATABASE IF NOT EXISTS ${target.database}${onCluster}`);
  for (const statement of renderStatements(MIGRATIONS_TABLE, target)) await tolerant(client, statement);
}

/** What is recorded as applied, creating the record first when there is none. */
async function recorded(client: StoreClient, target: SchemaTarget): Promise<Map<number, string>> {
  try {
    return await appliedChecksums(client, target);
  } catch (err) {
    if (!neverMigrated(err)) throw err;
  }
  await bootstrap(client, target);
  return appliedChecksums(client, target);
}

async function apply(client: StoreClient, target: SchemaTarget, migration: Migration, shapes: Map<string, TableShape>): Promise<void> {
  for (const statement of migration.statements) {
    try {
      for (const rendered of renderStatements(statement, target, shapes)) await tolerant(client, rendered);
    } catch (err) {
      throw new MigrationError(`migration ${migration.version} (${migration.name}) failed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    }
  }
  await client.command(
    `INSERT INTO ${target.database}.schema_migrations (version, name, checksum, applied_at) VALUES (${migration.version}, ${quoteString(migration.name)}, ${quoteString(migration.checksum)}, now())`,
  );
}

export async function migrate(client: StoreClient, target: SchemaTarget, migrations: Migration[] = readMigrations()): Promise<MigrationReport> {
  const done = await recorded(client, target);
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  // The tables earlier migrations created, so a later ALTER can re-create a Distributed table.
  const shapes = new Map<string, TableShape>();
  for (const migration of migrations) {
    const checksum = done.get(migration.version);
    if (checksum === undefined) {
      await apply(client, target, migration, shapes);
      report.applied.push(migration.version);
    } else if (checksum !== migration.checksum) {
      throw new MigrationError(`migration ${migration.version} (${migration.name}) was changed after it was applied; add a new migration instead`);
    } else {
      for (const statement of migration.statements) recordShape(statement, shapes);
      report.alreadyApplied.push(migration.version);
    }
  }
  return report;
}

/** For /readyz: true when every known migration is recorded as applied. */
export async function migrationsApplied(client: StoreClient, target: SchemaTarget, migrations: Migration[] = readMigrations()): Promise<boolean> {
  try {
    const done = await appliedChecksums(client, target);
    return migrations.every((m) => done.get(m.version) === m.checksum);
  } catch {
    return false;
  }
}
