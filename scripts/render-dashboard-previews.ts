/**
 * Renders docs/img/dashboard-<name>.png: each dashboard drawn from its panels' real query results on
 * demo-like data (400k synthetic calls over 70 days in a throwaway database), since Grafana itself
 * does not run here. Run with `pnpm exec tsx scripts/render-dashboard-previews.ts`; needs
 * rsvg-convert (Debian: librsvg2-bin). The panels' SQL goes through the same variable filling and
 * macro expansion as the tests (test/support/), so the pictures show what the queries return.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { dateTimeText } from '../packages/receiver/src/store/llm-calls.js';
import { dashboardFiles, loadDashboard, panelRunner, renderSql } from '../test/support/dashboard-queries.js';
import { resolveRange } from '../test/support/grafana-time.js';
import { callsInsert, clientsInsert, ingestStatsInsert } from '../test/support/synthetic-calls.js';
import type { Panel, Row } from './dashboard-previews/panel-model.js';
import { drawPanel } from './dashboard-previews/panels.js';
import { rect, text, THEME } from './dashboard-previews/svg.js';

const WIDTH = 1400;
const ROW = 30;
const HEADER = 56;
const root = fileURLToPath(new URL('..', import.meta.url));

const url = execFileSync('bash', [`${root}/scripts/clickhouse.sh`, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const database = `tl_previews_${randomBytes(4).toString('hex')}`;
const store = createStoreClient({ url, username: 'default', password: '', database, cluster: null }, { requestTimeoutMs: 600_000 });
const runner = panelRunner(url, database);
const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);

try {
  await migrate(store, { database, cluster: null });
  await store.command(clientsInsert(database, dateTimeText(now)));
  await store.command(callsInsert(database, 400_000, dateTimeText(now), 70));
  await store.command(ingestStatsInsert(database, dateTimeText(now), 1));
  const providers = (await runner.rows('SELECT DISTINCT provider FROM llm_usage_daily ORDER BY provider')).map((r) => r.provider!);
  const variables = { client: 'acme', provider: providers };

  for (const file of dashboardFiles()) {
    const d = loadDashboard(file);
    const range = resolveRange(d.time, now);
    const height = HEADER + Math.max(...d.panels.map((p) => p.gridPos.y + p.gridPos.h)) * ROW + 10;
    const parts = [
      rect({ x: 0, y: 0, w: WIDTH, h: height }, THEME.bg),
      text(16, 30, d.title, { size: 18, weight: 600 }),
      text(WIDTH - 16, 30, `${range.from.toISOString().slice(0, 16)} → ${range.to.toISOString().slice(0, 16)} UTC${d.templating.list.length ? `   ·   ${d.templating.list.map((v) => `${v.name}: ${v.name === 'provider' ? 'All' : variables.client}`).join('  ')}` : ''}`, { size: 12, anchor: 'end', fill: THEME.dim }),
    ];
    for (const p of d.panels) {
      const rows = (await runner.rows(renderSql(p.targets[0]!.rawSql, range, variables))) as Row[];
      const g = p.gridPos;
      const col = (WIDTH - 16) / 24;
      parts.push(drawPanel(p as unknown as Panel, rows, { x: 8 + g.x * col + 4, y: HEADER + g.y * ROW + 4, w: g.w * col - 8, h: g.h * ROW - 8 }));
    }
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="DejaVu Sans, sans-serif">${parts.join('')}</svg>`;
    const name = file.replace('.json', '');
    const svgPath = `/tmp/dashboard-${name}.svg`;
    const pngPath = `${root}/docs/img/dashboard-${name}.png`;
    writeFileSync(svgPath, svg);
    execFileSync('rsvg-convert', ['-o', pngPath, svgPath]);
    console.log(`docs/img/dashboard-${name}.png  ${Math.round(statSync(pngPath).size / 1024)} KB`);
  }
} finally {
  await store.command(`DROP DATABASE IF EXISTS ${database}`);
  await store.close();
  await runner.close();
}
