import { TokenLedgerError } from '../errors.js';
import { renderStatement, type SchemaTarget } from './engines.js';
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
 */

// ClickHouse error codes that mean "somebody already did this": TABLE_ALREADY_EXISTS (57),
// DUPLICATE_COLUMN (15), DATABASE_ALREADY_EXISTS (82).
const ALREADY_DONE = /\bCode: (57|15|82)\b|already exists/i;

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
    if (!ALREADY_DONE.test((err as Error).message)) throw err;
  }
}

async function appliedChecksums(client: StoreClient, target: SchemaTarget): Promise<Map<number, string>> {
  const rows = await client.queryRows<{ version: number; checksum: string }>(
    `SELECT version, any(checksum) AS checksum FROM ${target.database}.schema_migrations GROUP BY version`,
  );
  return new Map(rows.map((r) => [Number(r.version), r.checksum]));
}

async function bootstrap(client: StoreClient, target: SchemaTarget): Promise<void> {
  const onCluster = target.cluster ? ` ON CLUSTER ${target.cluster}` : '';
  await tolerant(client, `CREATE DATABASE IF NOT EXISTS ${target.database}${onCluster}`);
  await tolerant(
    client,
    renderStatement(
      `CREATE TABLE IF NOT EXISTS {db}.schema_migrations {on_cluster} (version UInt32, name String, checksum String, applied_at DateTime('UTC')) ENGINE = {engine:ReplacingMergeTree(applied_at)} ORDER BY version`,
      target,
    ),
  );
}

async function apply(client: StoreClient, target: SchemaTarget, migration: Migration): Promise<void> {
  for (const statement of migration.statements) {
    try {
      await tolerant(client, renderStatement(statement, target));
    } catch (err) {
      throw new MigrationError(`migration ${migration.version} (${migration.name}) failed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    }
  }
  await client.command(
    `INSERT INTO ${target.database}.schema_migrations (version, name, checksum, applied_at) VALUES (${migration.version}, ${quoteString(migration.name)}, ${quoteString(migration.checksum)}, now())`,
  );
}

export async function migrate(client: StoreClient, target: SchemaTarget, migrations: Migration[] = readMigrations()): Promise<MigrationReport> {
  await bootstrap(client, target);
  const done = await appliedChecksums(client, target);
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    const checksum = done.get(migration.version);
    if (checksum === undefined) {
      await apply(client, target, migration);
      report.applied.push(migration.version);
    } else if (checksum !== migration.checksum) {
      throw new MigrationError(`migration ${migration.version} (${migration.name}) was changed after it was applied; add a new migration instead`);
    } else {
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
