/**
 * `pnpm bench portal`: what a portal page costs on top of the API figures it shows. Seeds
 * synthetic calls (12 clients, 30 days) into its own database, signs in through the real form,
 * then times the client page and the operator overview against a baseline measured in the same
 * run: the API requests each page is built from, made by an API client with a bearer token.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { loadConfig, parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { defaultPlugins } from '../packages/receiver/src/server/default-plugins.js';
import { createReceiver } from '../packages/receiver/src/server/receiver.js';
import { dateTimeText } from '../packages/receiver/src/store/llm-calls.js';
import { callsInsert, SYNTHETIC_CLIENTS } from '../test/support/synthetic-calls.js';

const CALLS = Number(process.argv.find((a) => a.startsWith('--calls='))?.slice(8) ?? 1_000_000);
const RUNS = 7;

function clickhouseUrl(): string {
  const script = fileURLToPath(new URL('../scripts/clickhouse.sh', import.meta.url));
  return execFileSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

async function median(work: () => Promise<void>): Promise<number> {
  await work(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await work();
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export async function run(): Promise<void> {
  const url = clickhouseUrl();
  const database = `tl_bench_portal_${randomBytes(4).toString('hex')}`;
  const config = await loadConfig({ env: { CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: database, TOKENLEDGER_API_TOKENS: 'bench-operator' } });
  config.file = parseFileConfig(`clients:\n${SYNTHETIC_CLIENTS.map(([id, name, , budget]) => `  - { id: ${id}, name: "${name}", markup_pct: 20, monthly_budget_usd: ${budget} }`).join('\n')}\n`, 'bench.yaml');
  const receiver = createReceiver(config, { plugins: defaultPlugins });
  try {
    await migrate(receiver.store, { database, cluster: null });
    await receiver.store.command(callsInsert(database, CALLS, dateTimeText(new Date()), 30));
    for (const p of receiver.plugins) await p.start?.();
    const app = receiver.app;
    const form = await app.request('/portal/sign-in');
    if (form.status !== 200) throw new Error(`sign-in form: ${form.status} ${await form.text()}`);
    const csrfCookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const signIn = await app.request('/portal/sign-in', { method: 'POST', headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, token: 'bench-operator' }) });
    const session = signIn.headers.getSetCookie().find((c) => c.startsWith('tokenledger_session='))!.split(';')[0]!;
    const page = async (path: string) => {
      const res = await app.request(path, { headers: { cookie: session } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      await res.text();
    };
    const apiGet = async (path: string) => {
      const res = await app.request(`/api/v1${path}`, { headers: { authorization: 'Bearer bench-operator' } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      await res.text();
    };
    const month = new Date().toISOString().slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const range = `from=${month}-01&to=${new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10)}`;
    const clientApi = () => Promise.all([
      apiGet(`/invoices/acme?period=${month}`), apiGet('/budgets/acme'),
      ...['client', 'day', 'model', 'project', 'feature'].map((g) => apiGet(`/usage?${range}&client=acme&group_by=${g}`)),
    ]).then(() => undefined);
    const operatorApi = () => Promise.all([
      apiGet('/budgets'), apiGet(`/usage?${range}&group_by=client`),
      ...SYNTHETIC_CLIENTS.map(([id]) => apiGet(`/invoices/${id}?period=${month}`)),
    ]).then(() => undefined);
    console.log(`seeded ${CALLS} calls over 30 days for ${SYNTHETIC_CLIENTS.length} clients; median of ${RUNS} runs after a warm-up, in-process (no network)`);
    console.log(`\n${'what'.padEnd(58)}${'median ms'.padStart(10)}`);
    const rows: Array<[string, () => Promise<void>]> = [
      ['baseline: the 7 API requests of a client page (parallel)', clientApi],
      ['client page  GET /portal/clients/acme', () => page('/portal/clients/acme')],
      [`baseline: the ${SYNTHETIC_CLIENTS.length + 2} API requests of the overview (parallel)`, operatorApi],
      ['operator overview  GET /portal', () => page('/portal')],
    ];
    for (const [name, work] of rows) console.log(`${name.padEnd(58)}${(await median(work)).toFixed(1).padStart(10)}`);
  } finally {
    await receiver.store.command(`DROP DATABASE IF EXISTS ${database}`);
    await receiver.close();
  }
}
