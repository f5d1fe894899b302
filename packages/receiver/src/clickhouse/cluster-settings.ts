import type { ClickHouseSettings } from '@clickhouse/client';

/**
 * Session settings of every query the receiver sends to a cluster (docs/scaling.md).
 *
 * - insert_distributed_sync: an insert into a Distributed table returns once every shard stored
 *   its rows (18.16 otherwise queues them on the entry node's disk), so nothing is acknowledged
 *   before it is stored.
 * - prefer_localhost_replica 1, load_balancing in_order: a receiver reads each shard where it
 *   writes it: the entry node's own replica for the entry node's shard (18.16 writes there
 *   whatever this setting says; current versions follow it), the first healthy replica in
 *   remote_servers for the others. So a receiver always reads its own writes (reprice and settle
 *   correcting the rollup, an import and its drift report). What another receiver wrote a moment
 *   ago through another replica is read on every replica (fresh-reads.ts).
 * - max_replica_delay_for_distributed_queries: a replica that fell behind (restarted, catching up)
 *   is not read until it has caught up.
 * - distributed_product_mode global: IN and JOIN subqueries over Distributed tables (settle's trace
 *   window, the dashboards) run once and are sent to the shards; 18.16 refuses them by default.
 */
export const CLUSTER_SETTINGS: ClickHouseSettings = {
  insert_distributed_sync: 1,
  load_balancing: 'in_order',
  prefer_localhost_replica: 1,
  max_replica_delay_for_distributed_queries: '2',
  distributed_product_mode: 'global',
};
