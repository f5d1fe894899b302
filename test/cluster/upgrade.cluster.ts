import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseFileConfig } from '../../packages/receiver/src/config/load-config.js';
import { migrate } from '../../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient } from '../../packages/receiver/src/clickhouse/store-client.js';
import { defaultPlugins } from '../../packages/receiver/src/server/default-plugins.js';
import { startServer, type RunningServer } from '../../packages/receiver/src/server/start-server.js';
import { protobufRequests } from '../support/otlp-requests.js';
import { CLUSTER, clusterDatabaseName, clusterNodes, dropClusterDatabase, replicasCaughtUp, type ClusterNode } from './cluster.js';

// docs/scaling.md, "Upgrading a single-node install", step by step: a single-node install (its
// own database on node 1, as when the old server becomes one of the cluster's nodes) with calls,
// clients and a rollup; the cluster schema migrated into a new database; the rollup view detached;
// every table copied through its Distributed table with remote(); the view attached. The cluster
// then answers every report as the old install did.

const YAML = `clients:
  - id: client-1
    markup_pct: 25
  - id: client-7
    markup_pct: 12.5
settle:
  enabled: false
`;
const quiet = { write: () => undefined };
const month = new Date().toISOString().slice(0, 7);
const nextMonth = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
const READS = [`/api/v1/usage?from=${month}-01&to=${nextMonth}&group_by=client,provider,model`, '/api/v1/invoices/client-1', '/api/v1/invoices/client-7?format=csv', `/api/v1/export?from=${month}-01&to=${nextMonth}&client=client-7`];

async function serve(url: string, database: string, cluster: boolean): Promise<RunningServer> {
  const config = await loadConfig({ env: { CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: database, PORT: '0', ...(cluster ? { CLICKHOUSE_CLUSTER: CLUSTER, CLICKHOUSE_CLUSTER_REPLICAS: `${CLUSTER}_replicas` } : {}) } });
  config.file = parseFileConfig(YAML, 'upgrade.yaml');
  return startServer(config, quiet, { plugins: defaultPlugins });
}

const read = async (r: RunningServer) => Promise.all(READS.map(async (p) => (await r.receiver.app.request(p)).text()));

describe('upgrading a single-node install to the cluster, as docs/scaling.md says', () => {
  let nodes: ClusterNode[];
  let old: string;
  let next: string;
  let before: string[];

  beforeAll(async () => {
    nodes = clusterNodes();
    old = clusterDatabaseName('old');
    next = clusterDatabaseName('new');
    await nodes[0]!.client.command({ query: `CREATE DATABASE ${old}` });
    const single = await serve(nodes[0]!.url, old, false);
    try {
      for (const body of protobufRequests(8, 25)) {
        const res = await fetch(`${single.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body });
        expect(res.status).toBe(200);
      }
      before = await read(single);
    } finally {
      await single.stop();
    }
  });

  afterAll(async () => {
    if (!nodes) return;
    await nodes[0]!.client.command({ query: `DROP DATABASE IF EXISTS ${old}` }).catch(() => undefined);
    await dropClusterDatabase(nodes[0]!, next).catch(() => undefined);
    await Promise.all(nodes.map((n) => n.client.close()));
  });

  it('copies every table through the Distributed tables, and the cluster answers what the single node did', async () => {
    // Step 2: the cluster schema in a new database.
    const store = createStoreClient({ url: nodes[0]!.url, username: 'default', password: '', database: next, cluster: CLUSTER });
    await migrate(store, { database: next, cluster: CLUSTER });
    await store.close();
    const n1 = nodes[0]!;
    // Step 3: the rollup view detached, so copied calls are not rolled up a second time.
    await n1.client.command({ query: `DETACH TABLE ${next}.llm_usage_daily_mv ON CLUSTER ${CLUSTER}` });
    // Step 4: every table but schema_migrations, through its Distributed table, synchronously.
    const tables = await n1.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${old}' AND engine NOT LIKE '%View' AND name != 'schema_migrations' ORDER BY name`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['llm_calls', 'llm_usage_daily', 'clients', 'span_links', 'work_claims']));
    // The old server's native address, as remote() takes it (here node 1 itself).
    const [self] = await n1.rows<{ address: string }>(`SELECT concat(host_address, ':', toString(port)) AS address FROM system.clusters WHERE cluster = '${CLUSTER}' AND is_local`);
    for (const { name } of tables) {
      await n1.client.command({ query: `INSERT INTO ${next}.${name} SELECT * FROM remote('${self!.address}', ${old}.${name})`, clickhouse_settings: { insert_distributed_sync: 1 } });
    }
    // Step 5: the view attached again; the bills compared on both sides.
    await n1.client.command({ query: `ATTACH TABLE ${next}.llm_usage_daily_mv ON CLUSTER ${CLUSTER}` });
    const bills = (db: string) => `SELECT client_id, toString(sum(cost_nanos)) AS cost FROM ${db}.llm_calls FINAL GROUP BY client_id ORDER BY client_id`;
    await replicasCaughtUp(nodes, next);
    const want = await n1.rows(bills(old));
    expect(want.length).toBeGreaterThan(10);
    for (const n of nodes) expect(await n.rows(bills(next)), `node ${n.index}`).toEqual(want);

    // Then receivers on the cluster: the same reports, through every node; new calls rolled up.
    for (const n of nodes) {
      const r = await serve(n.url, next, true);
      try {
        expect(await read(r), `through node ${n.index}`).toEqual(before);
      } finally {
        await r.stop();
      }
    }
    const r = await serve(nodes[1]!.url, next, true);
    try {
      const res = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: protobufRequests(9, 25)[8]! });
      expect(res.status).toBe(200);
    } finally {
      await r.stop();
    }
    await replicasCaughtUp(nodes, next);
    const rollup = `SELECT client_id, toString(sum(cost_nanos)) AS cost FROM ${next}.llm_usage_daily GROUP BY client_id HAVING sum(calls) != 0 ORDER BY client_id`;
    expect(await n1.rows(rollup)).toEqual(await n1.rows(bills(next)));
  });
});
