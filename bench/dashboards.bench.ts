/**
 * `pnpm bench dashboards`: every dashboard panel's SQL (macros expanded as the ClickHouse plugin
 * does, variables filled) timed on 10 million seeded calls. Creates and drops its own database.
 * Baselines in the same run: a `SELECT 1` round trip, a full scan of llm_calls.cost_nanos, and this
 * month's sum with and without FINAL (which the raw-call panels avoid).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { dateTimeText } from '../packages/receiver/src/store/llm-calls.js';
import { dashboardFiles, loadDashboard, panelRunner, renderSql, type PanelRunner } from '../test/support/dashboard-queries.js';
import { resolveRange } from '../test/support/grafana-time.js';
import { callsInsert, clientsInsert, ingestStatsInsert } from '../test/support/synthetic-calls.js';

const CALLS = Number(process.argv.find((a) => a.startsWith("--calls="))?.slice(8) ?? 10_000_000);
const DAYS = 90;
const RUNS = 5;

function clickhouseUrl(): string {
  // The same private server the tests use (or the user's CLICKHOUSE_URL, which the script honours).
  const script = fileURLToPath(new URL('../scripts/clickhouse.sh', import.meta.url));
  return execFileSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

async function time(runner: PanelRunner, sql: string): Promise<{ median: number; max: number; rows: number }> {
  let rows = (await runner.rows(sql)).length; // warm-up: first read of the parts from disk
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    rows = (await runner.rows(sql)).length;
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(RUNS / 2)]!, max: ms[RUNS - 1]!, rows };
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const fmt = (ms: number) => ms.toFixed(1).padStart(8);

export async function run(): Promise<void> {
  const url = clickhouseUrl();
  const database = `tl_bench_dashboards_${randomBytes(4).toString('hex')}`;
  const store = createStoreClient({ url, username: 'default', password: '', database, cluster: null }, { requestTimeoutMs: 600_000 });
  const runner = panelRunner(url, database);
  try {
    await migrate(store, { database, cluster: null });
    const now = new Date();
    const end = dateTimeText(now);
    const seedStart = performance.now();
    await store.command(clientsInsert(database, end));
    await store.command(callsInsert(database, CALLS, end, DAYS));
    await store.command(ingestStatsInsert(database, end, 30));
    const [counts] = await store.queryRows<{ calls: string; rollup: string }>(
      `SELECT (SELECT count() FROM ${database}.llm_calls) AS calls, (SELECT count() FROM ${database}.llm_usage_daily) AS rollup`,
    );
    console.log(`seeded ${counts!.calls} calls over ${DAYS} days (rollup ${counts!.rollup} rows) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; ${RUNS} runs per query after a warm-up`);

    console.log(`\n${pad('dashboard', 18)}${pad('panel', 44)}${pad('rows', 6)}${'median ms'.padStart(10)}${'max ms'.padStart(9)}`);
    const month = `toDate(timestamp) >= toStartOfMonth(today())`;
    const baselines = {
      'SELECT 1 (round trip)': 'SELECT 1',
      'full scan: sum(cost_nanos) of llm_calls': 'SELECT sum(cost_nanos) FROM llm_calls',
      // What the raw panels avoid: FINAL on 18.16 merges whole partitions in one thread.
      'this month: sum(cost_nanos) FINAL': `SELECT sum(cost_nanos) FROM llm_calls FINAL WHERE ${month}`,
      'this month: sum(cost_nanos), no FINAL': `SELECT sum(cost_nanos) FROM llm_calls WHERE ${month}`,
    };
    for (const [name, sql] of Object.entries(baselines)) {
      const t = await time(runner, sql);
      console.log(`${pad('baseline', 18)}${pad(name, 44)}${pad(t.rows, 6)}${fmt(t.median)}  ${fmt(t.max)}`);
    }
    const variables = { client: 'acme', provider: ['anthropic', 'gcp.gemini', 'mistral_ai', 'openai'] };
    let worst = 0;
    for (const file of dashboardFiles()) {
      const d = loadDashboard(file);
      const range = resolveRange(d.time, now);
      for (const p of d.panels) {
        const t = await time(runner, renderSql(p.targets[0]!.rawSql, range, variables));
        worst = Math.max(worst, t.max);
        console.log(`${pad(file.replace('.json', ''), 18)}${pad(p.title, 44)}${pad(t.rows, 6)}${fmt(t.median)}  ${fmt(t.max)}`);
      }
    }
    console.log(`\nslowest panel run: ${worst.toFixed(1)} ms (budget: 1000 ms)`);
  } finally {
    await store.command(`DROP DATABASE IF EXISTS ${database}`);
    await store.close();
    await runner.close();
  }
}
