import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { inject } from 'vitest';

/** The lane's cluster: scripts/cluster.sh names it `tokenledger`; node n is shard ceil(n/2). */
export const CLUSTER = 'tokenledger';

export interface ClusterNode {
  index: number;
  url: string;
  shard: number;
  client: ClickHouseClient;
  rows<T>(query: string): Promise<T[]>;
}

export function clusterNodes(): ClusterNode[] {
  return inject('clusterUrls').map((url, i) => {
    const client = createClient({ url, request_timeout: 200_000, log: { level: ClickHouseLogLevel.OFF } });
    return {
      index: i + 1,
      url,
      shard: Math.ceil((i + 1) / 2),
      client,
      rows: async <T>(query: string) => (await (await client.query({ query, format: 'JSONEachRow' })).json()) as T[],
    };
  });
}

export const clusterDatabaseName = (prefix: string) => `tl_cluster_${prefix}_${randomBytes(4).toString('hex')}`;

export async function dropClusterDatabase(node: ClusterNode, name: string): Promise<void> {
  await node.client.command({ query: `DROP DATABASE IF EXISTS ${name} ON CLUSTER ${CLUSTER}` });
}

const run = promisify(execFile);

/** SIGKILL one node, as a crash would, or start it again (scripts/cluster.sh stop-node / start-node). */
export async function clusterScript(action: 'stop-node' | 'start-node', node: number): Promise<void> {
  await run('bash', [inject('clusterScript'), action, String(node)]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until every replica has caught up: an empty replication queue on every node and, per
 * shard, the same rows in each local table on both replicas. The active-replica count alone does
 * not prove catch-up (a restarted replica shows 2/2, 1/2, then 2/2).
 */
export async function replicasCaughtUp(nodes: ClusterNode[], database: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const state = await Promise.all(
      nodes.map(async (n) => {
        const queues = await n.rows<{ q: string }>(`SELECT toString(sum(queue_size) + sum(inserts_in_queue)) AS q FROM system.replicas WHERE database = '${database}'`);
        const counts = await n.rows<{ table: string; rows: string }>(
          `SELECT table, toString(sum(rows)) AS rows FROM system.parts WHERE active AND database = '${database}' GROUP BY table ORDER BY table`,
        );
        return { shard: n.shard, queue: queues[0]?.q ?? '0', counts: JSON.stringify(counts) };
      }),
    ).catch((err: Error) => [{ shard: 0, queue: err.message, counts: '' }]);
    last = JSON.stringify(state);
    const idle = state.every((s) => s.queue === '0');
    const same = [1, 2].every((shard) => new Set(state.filter((s) => s.shard === shard).map((s) => s.counts)).size === 1);
    if (idle && same && state.length === nodes.length) return;
    await sleep(500);
  }
  throw new Error(`replicas did not catch up within ${timeoutMs} ms: ${last}`);
}
