import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../packages/receiver/src/clickhouse/migrate.js';
import { enforceRetention } from '../../packages/receiver/src/clickhouse/retention.js';
import { createStoreClient, type StoreClient } from '../../packages/receiver/src/clickhouse/store-client.js';
import { createTestDatabase, type TestDatabase } from '../support/clickhouse.js';
import { seedDashboardFixture } from '../support/dashboard-fixture.js';
import { dashboardFiles, loadDashboard, panelRunner, renderSql } from '../support/dashboard-queries.js';
import type { QueryTime } from '../support/grafana-macros.js';
import { CLUSTER, clusterDatabaseName, clusterNodes, dropClusterDatabase, replicasCaughtUp, type ClusterNode } from './cluster.js';

// Grafana queries the public names; on a cluster they are Distributed tables. Every panel of every
// dashboard, run through every node, must answer what it answers on one node over the same data.
const october: QueryTime = { from: new Date('2026-10-01T00:00:00.000Z'), to: new Date('2026-10-31T23:59:59.999Z'), intervalMs: 3_600_000 };
const vars = { client: 'acme', provider: ['anthropic', 'openai'] };

describe('dashboards and retention on the cluster', () => {
  let nodes: ClusterNode[];
  let database: string;
  let reference: TestDatabase;
  let cluster: StoreClient;

  beforeAll(async () => {
    nodes = clusterNodes();
    database = clusterDatabaseName('panels');
    reference = await createTestDatabase('cluster_panels');
    const single = createStoreClient({ url: reference.url, username: 'default', password: '', database: reference.name, cluster: null });
    await migrate(single, { database: reference.name, cluster: null });
    await seedDashboardFixture(single);
    await single.close();
    cluster = createStoreClient({ url: nodes[1]!.url, username: 'default', password: '', database, cluster: CLUSTER });
    await migrate(cluster, { database, cluster: CLUSTER });
    await seedDashboardFixture(cluster);
    await replicasCaughtUp(nodes, database);
  });
  afterAll(async () => {
    await cluster?.close();
    await reference?.drop();
    if (nodes) {
      await dropClusterDatabase(nodes[0]!, database).catch(() => undefined);
      await Promise.all(nodes.map((n) => n.client.close()));
    }
  });

  it('answers every panel through every node as on one node', async () => {
    const panels = dashboardFiles().flatMap((f) => loadDashboard(f).panels.map((p) => ({ title: `${f}: ${p.title}`, sql: renderSql(p.targets[0]!.rawSql, october, vars) })));
    expect(panels.length).toBeGreaterThan(10);
    const single = panelRunner(reference.url, reference.name);
    const runners = nodes.map((n) => panelRunner(n.url, database));
    try {
      for (const panel of panels) {
        const want = await single.rows(panel.sql);
        for (const [i, r] of runners.entries()) expect(await r.rows(panel.sql), `${panel.title} through node ${i + 1}`).toEqual(want);
      }
    } finally {
      await Promise.all([single, ...runners].map((r) => r.close()));
    }
  });

  it('drops expired months on every shard and replica', async () => {
    const before = await nodes[3]!.rows<{ n: string }>(`SELECT toString(count()) AS n FROM ${database}.llm_calls`);
    expect(Number(before[0]!.n)).toBeGreaterThan(0);
    const result = await enforceRetention(cluster, new Date('2028-06-01T00:00:00Z'), 400);
    expect(result.dropped.map((d) => d.table)).toEqual(expect.arrayContaining(['llm_calls', 'llm_usage_daily', 'ingest_stats']));
    for (const n of nodes) {
      const left = await n.rows<{ n: string }>(`SELECT toString(count()) AS n FROM ${database}.llm_calls_local`);
      expect(left, `node ${n.index}`).toEqual([{ n: '0' }]);
    }
  });
});
