import type { ClickHouseSettings } from '@clickhouse/client';

/**
 * Session settings of every query the receiver sends to a cluster (docs/scaling.md).
 *
 * - insert_distributed_sync: an insert into a Distributed table returns once every shard stored
 *   its rows (18.16 otherwise queues them on the entry node's disk), so nothing is acknowledged
 *   before it is stored.
 * - load_balancing in_order, prefer_localhost_replica 0: every receiver, whichever node it talks
 *   to, reads and writes each shard on the same replica (the first healthy one in remote_servers),
 *   so a row one receiver stored is what another reads next: the already-stored check, the settle
 *   lease and alert claims hold across receivers, not only across the replicas' catch-up.
 * - max_replica_delay_for_distributed_queries: a replica that fell behind (restarted, catching up)
 *   is not read until it has caught up.
 * - distributed_product_mode global: IN and JOIN subqueries over Distributed tables (settle's trace
 *   window, the dashboards) run once and are sent to the shards; 18.16 refuses them by default.
 */
export const CLUSTER_SETTINGS: ClickHouseSettings = {
  insert_distributed_sync: 1,
  load_balancing: 'in_order',
  prefer_localhost_replica: 0,
  max_replica_delay_for_distributed_queries: '2',
  distributed_product_mode: 'global',
};
