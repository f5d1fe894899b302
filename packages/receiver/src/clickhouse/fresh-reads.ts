import { localTable } from './engines.js';
import { quoteString } from './sql.js';
import type { StoreClient } from './store-client.js';

/**
 * Where to read rows that another receiver may have written a moment ago: the already-stored
 * check, alert and import claims, the settle lease. Everything else reads the public names.
 *
 * On a cluster, 18.16 writes a Distributed insert into the entry node's own replica when the
 * entry node belongs to the shard, while reads go to the shard's first healthy replica; until
 * replication copies the part (well under a second, usually) a row written through a second
 * replica is invisible to the other receivers (measured in the lane: 64 of 225 re-sends got past
 * the check). Quorum inserts would close that gap but 18.16 refuses a quorum insert while another
 * one on the shard is unfinished (Code 286: 4 of 90 concurrent inserts got through) and refuses
 * every insert while a replica is down. So these reads go to every replica instead: a cluster in
 * remote_servers that lists each replica as a shard of its own (`CLICKHOUSE_CLUSTER_REPLICAS`),
 * read with `cluster()`, which takes the credentials from remote_servers. A replica that is down
 * is skipped (skip_unavailable_shards), so the check keeps working while one is; what it misses
 * then is only a row that exists nowhere but on the dead replica, which settle's rollup
 * convergence corrects (docs/scaling.md). A replica that is up but slow must not be skipped:
 * 18.16 gives up a connection after 50 ms by default (connect_timeout_with_failover_ms), which a
 * busy server misses; a dead one refuses at once, so a second costs nothing while one is down.
 */
export interface FreshSource {
  /** A FROM expression: `db.table`, or `cluster('<replicas>', db, table_local)`. */
  from: string;
  /** Appended at the end of the SELECT: empty, or ` SETTINGS skip_unavailable_shards = 1, ...`. */
  settings: string;
}

export function freshSource(store: Pick<StoreClient, 'database' | 'cluster' | 'replicasCluster'>, table: string): FreshSource {
  if (!store.cluster || !store.replicasCluster) return { from: `${store.database}.${table}`, settings: '' };
  const local = localTable(table, { database: store.database, cluster: store.cluster });
  return { from: `cluster(${quoteString(store.replicasCluster)}, ${store.database}, ${local})`, settings: ' SETTINGS skip_unavailable_shards = 1, connect_timeout_with_failover_ms = 1000' };
}
