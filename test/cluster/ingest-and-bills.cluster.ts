import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingInstance } from '../../packages/receiver/src/billing/index.js';
import { loadConfig, parseFileConfig } from '../../packages/receiver/src/config/load-config.js';
import { buildPricer } from '../../packages/receiver/src/server/receiver.js';
import { defaultPlugins } from '../../packages/receiver/src/server/default-plugins.js';
import { startServer, type RunningServer } from '../../packages/receiver/src/server/start-server.js';
import { acquireLease } from '../../packages/receiver/src/settle/settle-lease.js';
import { settle } from '../../packages/receiver/src/settle/settle-run.js';
import { reprice } from '../../packages/receiver/src/store/reprice.js';
import { createTestDatabase, type TestDatabase } from '../support/clickhouse.js';
import { protobufRequests } from '../support/otlp-requests.js';
import { CLUSTER, clusterDatabaseName, clusterNodes, clusterScript, dropClusterDatabase, replicasCaughtUp, type ClusterNode } from './cluster.js';

// The same OTLP requests go to a single-node receiver (the reference) and to three receivers on the
// 2 x 2 cluster (on nodes 1, 2 and 3: both replicas of shard 1 and the first of shard 2), with a
// share re-sent to another receiver right after it was acknowledged and node 4 (shard 2's second
// replica) killed and restarted mid-stream. Every report, invoice and budget must then equal the reference to
// the nano-dollar through every node, the data be whole on every replica, and the rollup equal the
// raw calls.

const REQUESTS = 36;
const SPANS_PER_REQUEST = 25;
const CALLS = REQUESTS * SPANS_PER_REQUEST;
const quiet = { write: () => undefined };
const requests = protobufRequests(REQUESTS, SPANS_PER_REQUEST);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** As an OTLP exporter does: retry until the receiver says the batch is stored. */
async function send(receiver: RunningServer, body: Uint8Array): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${receiver.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body }).catch(() => null);
    if (res?.status === 200) return;
    if (attempt === 40) throw new Error(`not stored after 40 tries: ${res?.status} ${await res?.text()}`);
    await sleep(500);
  }
}

const yaml = (webhook: string, budgetUsd: string) => `clients:
  - id: client-0
    monthly_budget_usd: ${budgetUsd}
    alert_thresholds_pct: [20, 50, 90]
    webhook_url: ${webhook}
  - id: client-1
    markup_pct: 25
  - id: client-7
    markup_pct: 12.5
settle:
  enabled: false
`;
const REPRICED = `pricing:
  overrides:
    - model: gpt-4o
      provider: openai
      client: client-1
      input_per_mtok: 2
      output_per_mtok: 8
`;

async function receiverOn(url: string, database: string, cluster: string | null, file: string): Promise<RunningServer> {
  const config = await loadConfig({ env: { CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: database, PORT: '0', ...(cluster ? { CLICKHOUSE_CLUSTER: cluster, CLICKHOUSE_CLUSTER_REPLICAS: `${cluster}_replicas` } : {}) } });
  config.file = parseFileConfig(file, 'lane.yaml');
  return startServer(config, quiet, { plugins: defaultPlugins });
}

const api = async (r: RunningServer, path: string) => {
  const res = await r.receiver.app.request(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  if (!res.headers.get('content-type')?.includes('json')) return res.text();
  // The projection extrapolates to the instant of reading, which differs between two reads.
  const { projected_usd: _, ...body } = (await res.json()) as Record<string, unknown>;
  return JSON.stringify(body);
};

const month = new Date().toISOString().slice(0, 7);
const nextMonth = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
const RANGE = `from=${month}-01&to=${nextMonth}`;

/** What must be identical to the nano-dollar on every node. */
const READS = [
  `/api/v1/usage?${RANGE}&group_by=client,provider,model`,
  `/api/v1/usage?${RANGE}&group_by=project,feature&client=client-1`,
  '/api/v1/invoices/client-0',
  '/api/v1/invoices/client-1',
  '/api/v1/invoices/client-7?format=csv',
  '/api/v1/budgets/client-0',
  `/api/v1/export?${RANGE}&client=client-7`,
];
const BUDGET = '/api/v1/budgets/client-0';
const readAll = async (r: RunningServer) => Object.fromEntries(await Promise.all(READS.map(async (p) => [p, await api(r, p)] as const)));
/**
 * As readAll, once the receiver's budget agrees with `want` or one refresh has passed: a budget
 * answers from memory, and spend another receiver stored (or a reprice elsewhere) reaches it at
 * its next refresh (15 s, docs/billing.md "Budgets"). Reports read ClickHouse and are not waited for.
 */
async function readAllAfterRefresh(r: RunningServer, want: Record<string, string>) {
  let got = await readAll(r);
  for (let waited = 0; got[BUDGET] !== want[BUDGET] && waited < 20_000; waited += 1_000) {
    await sleep(1_000);
    got = await readAll(r);
  }
  return got;
}

const PER_CLIENT = (db: string, table: string) =>
  `SELECT client_id, toString(count()) AS calls, toString(sum(cost_nanos)) AS cost FROM ${db}.${table} FINAL WHERE duplicate_of = '' GROUP BY client_id ORDER BY client_id`;
const ROLLUP = (db: string, table: string) =>
  `SELECT client_id, toString(n) AS calls, toString(c) AS cost FROM (SELECT client_id, sum(calls) AS n, sum(cost_nanos) AS c FROM ${db}.${table} GROUP BY client_id) WHERE n != 0 ORDER BY client_id`;

describe('TokenLedger on a 2 x 2 ClickHouse 18.16 cluster', () => {
  let nodes: ClusterNode[];
  let database: string;
  let reference: TestDatabase;
  let single: RunningServer;
  const receivers: RunningServer[] = [];
  let hookServer: Server;
  let hooks: string;
  const alerts: string[] = [];
  let file: string;

  beforeAll(async () => {
    nodes = clusterNodes();
    database = clusterDatabaseName('lane');
    hookServer = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/cluster') alerts.push(String(req.headers['x-tokenledger-alert-id']));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    hooks = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}`;

    // The reference: one node, every request once (and the re-sends, which it drops).
    reference = await createTestDatabase('cluster_reference');
    single = await receiverOn(reference.url, reference.name, null, yaml(`${hooks}/single`, '1000'));
    for (const body of requests) await send(single, body);
    await single.receiver.journal.visible(); // what it answered from the journal is in llm_calls
    // client-0's budget is crossed at 20, 50 and 90 % mid-stream.
    const [client0] = await reference.queryRows<{ nanos: string }>(`SELECT toString(sum(cost_nanos)) AS nanos FROM ${reference.name}.llm_calls FINAL WHERE client_id = 'client-0'`);
    // A third of it: each receiver alone crosses every threshold, so all three race for each alert.
    const micros = BigInt(client0!.nanos) / 3_000n;
    expect(micros).toBeGreaterThan(10_000n);
    const budget = `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
    file = yaml(`${hooks}/cluster`, budget);
    await single.stop();
    single = await receiverOn(reference.url, reference.name, null, yaml(`${hooks}/single`, budget));
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop().catch(() => undefined)));
    await single?.stop();
    await reference?.drop();
    await new Promise<void>((resolve) => hookServer.close(() => resolve()));
    if (nodes) {
      await dropClusterDatabase(nodes[0]!, database).catch(() => undefined);
      await Promise.all(nodes.map((n) => n.client.close()));
    }
  });

  it('migrates ON CLUSTER: every node has the local Replicated tables and the Distributed tables under the public names', async () => {
    await (await receiverOn(nodes[0]!.url, database, CLUSTER, file)).stop();
    for (const n of nodes) {
      const tables = await n.rows<{ name: string; engine: string }>(`SELECT name, engine FROM system.tables WHERE database = '${database}' ORDER BY name`);
      const engines = new Map(tables.map((t) => [t.name, t.engine]));
      expect(engines.get('llm_calls')).toBe('Distributed');
      expect(engines.get('llm_calls_local')).toBe('ReplicatedReplacingMergeTree');
      expect(engines.get('llm_usage_daily_mv')).toBe('MaterializedView');
      for (const [name, engine] of engines) {
        if (engine === 'Distributed') expect(engines.get(`${name}_local`), `${name} on node ${n.index}`).toMatch(/^Replicated/);
      }
    }
  });

  it('stores spans sent to three receivers on different nodes, re-sends and a replica crash included, exactly once', async () => {
    // Receivers on nodes 1, 2 and 3: the receiver on node 2 writes shard 1's rows into node 2, the
    // others read shard 1 on node 1, so only reads of every replica (fresh-reads.ts) catch its
    // re-sends. They start together and find every migration applied, so none runs ON CLUSTER DDL.
    receivers.push(...(await Promise.all([1, 2, 3].map((n) => receiverOn(nodes[n - 1]!.url, database, CLUSTER, file)))));
    let restarted: Promise<void> = Promise.resolve();
    for (let i = 0; i < REQUESTS; i += 3) {
      if (i === 9) {
        await clusterScript('stop-node', 4);
        restarted = sleep(8_000).then(() => clusterScript('start-node', 4));
      }
      await Promise.all(
        [i, i + 1, i + 2].map(async (j) => {
          await send(receivers[j % 3]!, requests[j]!);
          if (j % 4 === 0) await send(receivers[(j + 1) % 3]!, requests[j]!); // an exporter retry that went elsewhere
        }),
      );
    }
    await restarted;
    await Promise.all(receivers.map((r) => r.receiver.journal.visible()));
    await Promise.all(receivers.map((r) => (r.receiver.plugins[1] as BillingInstance).idle()));
    await replicasCaughtUp(nodes, database);

    const [raw] = await nodes[0]!.rows<{ n: string }>(`SELECT toString(count()) AS n FROM ${database}.llm_calls`);
    expect(raw!.n).toBe(String(CALLS)); // not one of the re-sends slipped past the already-stored check
    const want = await reference.queryRows(PER_CLIENT(reference.name, 'llm_calls'));
    expect(want.length).toBe(25);
    for (const n of nodes) expect(await n.rows(PER_CLIENT(database, 'llm_calls')), `through node ${n.index}`).toEqual(want);
  });

  it('keeps a whole copy on every replica, and the rollup equal to the raw calls on each', async () => {
    const want = await reference.queryRows(PER_CLIENT(reference.name, 'llm_calls'));
    const perShard = async (n: ClusterNode) => ({ raw: await n.rows(PER_CLIENT(database, 'llm_calls_local')), rollup: await n.rows(ROLLUP(database, 'llm_usage_daily_local')) });
    const [n1, n2, n3, n4] = await Promise.all(nodes.map(perShard));
    expect(n2).toEqual(n1);
    expect(n4).toEqual(n3);
    expect(n1!.rollup).toEqual(n1!.raw);
    expect(n3!.rollup).toEqual(n3!.raw);
    // Each trace on one shard: the shards' clients' sums add up to the whole.
    const merged = new Map<string, bigint>();
    for (const r of [...n1!.raw, ...n3!.raw] as Array<{ client_id: string; cost: string }>) merged.set(r.client_id, (merged.get(r.client_id) ?? 0n) + BigInt(r.cost));
    expect(Object.fromEntries([...merged].sort().map(([k, v]) => [k, String(v)]))).toEqual(Object.fromEntries((want as Array<{ client_id: string; cost: string }>).map((r) => [r.client_id, r.cost])));
    for (const n of nodes) expect(await n.rows(ROLLUP(database, 'llm_usage_daily')), `rollup through node ${n.index}`).toEqual(want);
  });

  it('fires each threshold alert exactly once across the three receivers', async () => {
    const expected = [20, 50, 90].map((t) => `budget:client-0:${month}:${t}:`);
    // Each receiver sees its own calls at once and the others' at its budget refresh (15 s).
    for (let waited = 0; alerts.length < expected.length && waited < 60_000; waited += 500) await sleep(500);
    await sleep(3_000); // a second sender, if there were one, would have claimed and sent by now
    expect(alerts.filter((a) => a.startsWith('budget:')).sort()).toEqual(expected.sort());
  });

  it('gives a settle slot to exactly one of the three receivers', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const slots = await Promise.all(receivers.map((r, i) => acquireLease(r.receiver.store, { holder: `receiver-${i}`, seconds: 4, claimDelayMs: 1_000 })));
      const held = slots.filter((s) => s !== null);
      // All asked in the second half of a slot, where nobody may start: try in the next one.
      if (held.length === 0) {
        await sleep(1_000);
        continue;
      }
      expect(held).toHaveLength(1);
      return;
    }
    throw new Error('no receiver got a slot in 5 tries');
  });

  it('answers every report, invoice, budget and export as the single node does, through every node', async () => {
    // A reader on node 4 too: every node answers the same.
    receivers.push(...(await Promise.all([4].map((n) => receiverOn(nodes[n - 1]!.url, database, CLUSTER, file)))));
    const want = await readAll(single);
    expect(want['/api/v1/invoices/client-0']).toMatch(/"total_usd":"\d+\.\d{2}"/);
    for (const r of receivers) expect(await readAllAfterRefresh(r, want)).toEqual(want);
  });

  it('settles and reprices on the cluster as on the single node, the rollup following', async () => {
    const now = new Date();
    const [settledSingle, settledCluster] = [await settle(single.receiver.store, { now, windowMs: 3_600_000, pricer: single.receiver.pricer }), await settle(receivers[0]!.receiver.store, { now, windowMs: 3_600_000, pricer: single.receiver.pricer })];
    expect(settledCluster).toEqual(settledSingle);
    expect(settledSingle).toMatchObject({ skipped: false });
    expect(settledSingle.calls).toBeGreaterThan(0);
    const config = await loadConfig({ env: {} });
    config.file = parseFileConfig(`${file}${REPRICED}`, 'lane.yaml');
    const range = { from: new Date(now.getTime() - 86_400_000), to: new Date(now.getTime() + 86_400_000) };
    // Through node 2, a second replica: reprice reads its own revisions back there to correct the rollup.
    const [a, b] = [await reprice(single.receiver.store, buildPricer(config), range), await reprice(receivers[1]!.receiver.store, buildPricer(config), range)];
    expect(b).toEqual(a);
    expect(a.changed).toBeGreaterThan(0);
    await replicasCaughtUp(nodes, database);
    const want = await reference.queryRows(PER_CLIENT(reference.name, 'llm_calls'));
    expect(await reference.queryRows(ROLLUP(reference.name, 'llm_usage_daily'))).toEqual(want);
    for (const n of nodes) {
      expect(await n.rows(PER_CLIENT(database, 'llm_calls')), `node ${n.index}`).toEqual(want);
      expect(await n.rows(ROLLUP(database, 'llm_usage_daily')), `rollup node ${n.index}`).toEqual(want);
    }
    const invoices = await readAll(single);
    for (const r of receivers) expect(await readAllAfterRefresh(r, invoices)).toEqual(invoices);
  });
});
