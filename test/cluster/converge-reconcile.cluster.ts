import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../../packages/receiver/src/clickhouse/store-client.js';
import { loadConfig, parseFileConfig } from '../../packages/receiver/src/config/load-config.js';
import { createReconcile, type ReconcileInstance } from '../../packages/receiver/src/reconcile/index.js';
import { defaultPlugins } from '../../packages/receiver/src/server/default-plugins.js';
import { createReceiver, type Receiver } from '../../packages/receiver/src/server/receiver.js';
import { startServer, type RunningServer } from '../../packages/receiver/src/server/start-server.js';
import { settle } from '../../packages/receiver/src/settle/settle-run.js';
import { ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY } from '../support/fake-admin-apis.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { FAST_POLICY, reconcileWorld, seedTrackedCalls, sourcesYaml, type ReconcileWorld } from '../support/reconcile-fixture.js';
import { postTrace, type JsonSpan } from '../support/trace-json.js';
import { CLUSTER, clusterDatabaseName, clusterNodes, dropClusterDatabase, replicasCaughtUp, type ClusterNode } from './cluster.js';

// Reconciliation and settle's rollup convergence on the 2 x 2 cluster, against the single node:
// the provider import of the reconcile tests (fake admin APIs at the HTTP boundary) run by three
// receivers on three nodes at once, and re-sends that did get past the already-stored check (two
// receivers racing on one batch) folded out of the rollup by settle.

const REPLICAS = `${CLUSTER}_replicas`;
const NOW = new Date('2026-10-05T10:00:00Z');
const quiet = { write: () => undefined };
let logged = '';
const collect = { write: (text: string) => void (logged += text) };
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

const BILLED = (db: string) =>
  `SELECT client_id, toString(count()) AS calls, toString(sum(cost_nanos)) AS cost FROM ${db}.llm_calls FINAL WHERE duplicate_of = '' GROUP BY client_id ORDER BY client_id`;
const ROLLUP = (db: string) =>
  `SELECT client_id, toString(n) AS calls, toString(c) AS cost FROM (SELECT client_id, sum(calls) AS n, sum(cost_nanos) AS c FROM ${db}.llm_usage_daily GROUP BY client_id) WHERE n != 0 ORDER BY client_id`;

describe('reconciliation and rollup convergence on a 2 x 2 cluster', () => {
  let nodes: ClusterNode[];
  let database: string;
  let world: ReconcileWorld;
  let clusterStore: StoreClient;
  let hook: Server;
  const drift: string[] = [];
  const receivers: Receiver[] = [];
  const reconcilers: ReconcileInstance[] = [];
  let single: { receiver: Receiver; reconcile: ReconcileInstance };

  async function reconcileReceiver(url: string, db: string, cluster: boolean): Promise<{ receiver: Receiver; reconcile: ReconcileInstance }> {
    const dir = mkdtempSync(join(tmpdir(), 'tl-cluster-reconcile-'));
    const webhook = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/${cluster ? 'cluster' : 'single'}`;
    writeFileSync(join(dir, 'tokenledger.yaml'), `settle:\n  enabled: false\nreconcile:\n  tolerance_pct: 2\n  lookback_days: 4\n  webhook_url: ${webhook}\n${sourcesYaml(world.fake)}`);
    const config = await loadConfig({
      env: { CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: db, OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY, ...(cluster ? { CLICKHOUSE_CLUSTER: CLUSTER, CLICKHOUSE_CLUSTER_REPLICAS: REPLICAS } : {}) },
      configPath: join(dir, 'tokenledger.yaml'),
    });
    let reconcile!: ReconcileInstance;
    const receiver = createReceiver(config, {
      now: () => NOW,
      log: collect,
      plugins: [{ name: 'reconcile', create: (ctx) => (reconcile = createReconcile(ctx, { policy: FAST_POLICY, claimDelayMs: 1_000, leaseSeconds: 3_600 })) }],
    });
    return { receiver, reconcile };
  }

  beforeAll(async () => {
    nodes = clusterNodes();
    database = clusterDatabaseName('reconcile');
    hook = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/cluster') drift.push(String(req.headers['x-tokenledger-alert-id']));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    // The reference: the reconcile tests' world on the single node (tracked calls + fake admin APIs).
    world = await reconcileWorld('cluster_reconcile');
    clusterStore = createStoreClient({ url: nodes[0]!.url, username: 'default', password: '', database, cluster: CLUSTER, replicasCluster: REPLICAS });
    await migrate(clusterStore, { database, cluster: CLUSTER });
    await seedTrackedCalls(clusterStore);
    single = await reconcileReceiver(world.db.url, world.db.name, false);
  });

  afterAll(async () => {
    await Promise.all([...receivers, single?.receiver].filter(Boolean).map((r) => r!.close().catch(() => undefined)));
    await new Promise<void>((resolve) => hook.close(() => resolve()));
    await world?.close();
    await clusterStore?.close();
    if (nodes) {
      await dropClusterDatabase(nodes[0]!, database).catch(() => undefined);
      await Promise.all(nodes.map((n) => n.client.close()));
    }
  });

  it('runs the scheduled import once across three receivers on three nodes, and alerts each drift once', async () => {
    for (const n of [2, 3, 4]) {
      const r = await reconcileReceiver(nodes[n - 1]!.url, database, true);
      receivers.push(r.receiver);
      reconcilers.push(r.reconcile);
    }
    const before = world.fake.requests.length;
    const runs = await Promise.all(reconcilers.map((r) => r.runOnce()));
    const ran = runs.filter((r) => r !== null);
    expect(ran).toHaveLength(1);
    await Promise.all(reconcilers.map((r) => r.idle()));
    // One import's worth of admin API requests, not three.
    const fetches = world.fake.requests.length - before;
    expect(fetches).toBeGreaterThan(0);
    const reference = await single.reconcile.runOnce();
    await single.reconcile.idle();
    expect(ran[0]!.providers).toEqual(reference!.providers);
    expect(ran[0]!.providers).toEqual({ openai: { rows: 11, days: 5 }, anthropic: { rows: 12, days: 5 } });
    expect(world.fake.requests.length - before - fetches).toBe(fetches);
    expect(drift.sort(), logged).toEqual(['drift::2026-10:0:anthropic/2026-10-02', 'drift::2026-10:0:openai/2026-10-02', 'drift::2026-10:0:openai/2026-10-03']);
  });

  it('answers GET /api/v1/reconciliation as the single node does, through every node', async () => {
    await replicasCaughtUp(nodes, database);
    receivers.push((await reconcileReceiver(nodes[0]!.url, database, true)).receiver);
    const queries = ['from=2026-10-01&to=2026-10-05&group_by=day,provider', 'from=2026-10-01&to=2026-10-05&group_by=client,provider,model', 'from=2026-10-01&to=2026-10-06&provider=anthropic'];
    for (const q of queries) {
      const res = await single.receiver.app.request(`/api/v1/reconciliation?${q}`);
      expect(res.status).toBe(200);
      const want = await res.text();
      expect(want).toMatch(/"status":"under_tracked"|"provider":"anthropic"/);
      for (const r of receivers) expect(await (await r.app.request(`/api/v1/reconciliation?${q}`)).text(), q).toBe(want);
    }
  });

  describe('re-sends that got past the already-stored check', () => {
    let proxies: FaultProxy[];
    let racing: RunningServer[];
    let reference: RunningServer;

    beforeAll(async () => {
      // Two receivers (nodes 2 and 3) whose inserts into llm_calls are held 300 ms: each runs its
      // already-stored check before either insert lands, so both store the batch, every time.
      proxies = await Promise.all([2, 3].map((n) => startFaultProxy(nodes[n - 1]!.url)));
      for (const p of proxies) p.inject((req) => (/^INSERT INTO \S+\.llm_calls\b/.test(req.query) ? { delayMs: 300 } : null));
      const serve = async (url: string, db: string, cluster: boolean) => {
        const config = await loadConfig({ env: { CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: db, PORT: '0', ...(cluster ? { CLICKHOUSE_CLUSTER: CLUSTER, CLICKHOUSE_CLUSTER_REPLICAS: REPLICAS } : {}) } });
        config.file = parseFileConfig('settle:\n  enabled: false\n', 'lane.yaml');
        return startServer(config, quiet, { plugins: defaultPlugins });
      };
      racing = await Promise.all(proxies.map((p) => serve(p.url, database, true)));
      reference = await serve(world.db.url, world.db.name, false);
    });
    afterAll(async () => {
      await Promise.all([...(racing ?? []), reference].filter(Boolean).map((s) => s!.stop()));
      await Promise.all((proxies ?? []).map((p) => p.close()));
    });

    it('settle brings the rollup equal to the billed calls, to the nano-dollar, through every node', async () => {
      const start = new Date(Math.floor(Date.now() / 1000) * 1000 - 600_000);
      const chat = { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.output_tokens': 200, 'tokenledger.client.id': 'race-co' };
      const span = (traceId: string): JsonSpan => ({ traceId, spanId: hex(8), name: 'chat', kind: 3, scope: 'app', start, attributes: chat });
      const spans = Array.from({ length: 40 }, () => span(hex(16)));
      // The second receiver's batch has one more span on each shard: an identical block would be
      // dropped by the Replicated table's insert deduplication, an overlapping one is not.
      const candidates = Array.from({ length: 16 }, () => hex(16));
      const shards = await nodes[0]!.rows<{ t: string; s: number }>(`SELECT t, cityHash64(t) % 2 AS s FROM (SELECT arrayJoin([${candidates.map((c) => `'${c}'`).join(', ')}]) AS t)`);
      const extra = [0, 1].map((s) => span(shards.find((r) => Number(r.s) === s)!.t));
      await Promise.all([postTrace(racing[0]!.url, spans), postTrace(racing[1]!.url, [...spans, ...extra]), postTrace(reference.url, [...spans, ...extra])]);
      await replicasCaughtUp(nodes, database);
      const [raw] = await nodes[0]!.rows<{ n: string }>(`SELECT toString(count()) AS n FROM ${database}.llm_calls WHERE client_id = 'race-co'`);
      expect(raw!.n).toBe('82'); // every one got past: the worst case
      const want = await world.db.queryRows(BILLED(world.db.name));
      expect(want).toContainEqual({ client_id: 'race-co', calls: '42', cost: '136500000' });
      for (const n of nodes) expect(await n.rows(BILLED(database)), `billed through node ${n.index}`).toEqual(want);
      expect(await nodes[0]!.rows(ROLLUP(database))).not.toEqual(want);

      const result = await settle(racing[0]!.receiver.store, { now: new Date(), windowMs: 3_600_000, pricer: racing[0]!.receiver.pricer });
      expect(result.corrected).toBeGreaterThan(0);
      await replicasCaughtUp(nodes, database);
      for (const n of nodes) expect(await n.rows(ROLLUP(database)), `rollup through node ${n.index}`).toEqual(want);
      // And it stays so: a second run finds nothing to correct.
      expect((await settle(racing[1]!.receiver.store, { now: new Date(), windowMs: 3_600_000, pricer: racing[1]!.receiver.pricer })).corrected).toBe(0);
    });
  });
});
