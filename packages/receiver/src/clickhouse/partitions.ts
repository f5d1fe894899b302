import { localTable, onCluster, type SchemaTarget } from './engines.js';
import { quoteString } from './sql.js';
import type { StoreClient } from './store-client.js';

/**
 * Partitions are where retention drops whole months or days (18.16 has no TTL). On a cluster they
 * belong to the local Replicated tables: system.parts lists only the node it runs on and a
 * Distributed table refuses partition operations, so the parts of every shard are read with the
 * cluster() table function and dropped on the local tables ON CLUSTER.
 */

export interface TablePartition {
  /** The public table name. */
  table: string;
  partition: string;
}

function targetOf(store: StoreClient): SchemaTarget {
  return { database: store.database, cluster: store.cluster };
}

export async function activePartitions(store: StoreClient, tables: readonly string[]): Promise<TablePartition[]> {
  const target = targetOf(store);
  const byLocal = new Map(tables.map((t) => [localTable(t, target), t]));
  const parts = target.cluster ? `cluster(${quoteString(target.cluster)}, system, parts)` : 'system.parts';
  const rows = await store.queryRows<TablePartition>(
    `SELECT DISTINCT table, partition FROM ${parts} WHERE active AND database = ${quoteString(store.database)} AND table IN (${[...byLocal.keys()].map(quoteString).join(', ')})`,
  );
  return rows.map((r) => ({ table: byLocal.get(r.table)!, partition: r.partition }));
}

/** `partition` is the partition expression as SQL (a number, or a quoted string). */
export async function dropPartition(store: StoreClient, table: string, partition: string): Promise<void> {
  const target = targetOf(store);
  await store.command(`ALTER TABLE ${store.database}.${localTable(table, target)} ${onCluster(target)} DROP PARTITION ${partition}`);
}

/**
 * Drops the whole days (partitions by toDate, 'YYYY-MM-DD') of `tables` older than `days`: how
 * working-memory tables forget, instantly on every ClickHouse version (18.16 has no TTL).
 */
export async function dropExpiredDays(store: StoreClient, tables: readonly string[], now: Date, days: number): Promise<Array<{ table: string; day: string }>> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const rows = await activePartitions(store, tables);
  const expired = rows.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.partition) && r.partition < cutoff).sort((a, b) => (a.table + a.partition < b.table + b.partition ? -1 : 1));
  for (const r of expired) await dropPartition(store, r.table, quoteString(r.partition));
  return expired.map((r) => ({ table: r.table, day: r.partition }));
}
