import { dashboardFiles, loadDashboard, panelRunner, renderSql } from './test/support/dashboard-queries.js';
import { resolveRange } from './test/support/grafana-time.js';
const runner = panelRunner('http://127.0.0.1:18123', 'tl_scratch_dash');
const only = process.argv[2];
const now = new Date();
for (const file of dashboardFiles()) {
  const d = loadDashboard(file);
  const range = resolveRange(d.time, now);
  for (const p of d.panels) {
    if (only && !p.title.includes(only)) continue;
    const sql = renderSql(p.targets[0]!.rawSql, range, { client: 'acme', provider: ['anthropic', 'gcp.gemini', 'mistral_ai', 'openai'] });
    const ms: number[] = [];
    let n = 0;
    for (let i = 0; i < 3; i++) { const s = performance.now(); n = (await runner.rows(sql)).length; ms.push(performance.now() - s); }
    console.log(file.padEnd(22), p.title.padEnd(44), String(n).padEnd(6), ms.map((m) => m.toFixed(0)).join(' '));
  }
}
await runner.close();
