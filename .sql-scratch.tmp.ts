import { loadDashboard, panelByTitle, renderSql } from './test/support/dashboard-queries.js';
import { resolveRange } from './test/support/grafana-time.js';
const [dash, title] = process.argv.slice(2);
const d = loadDashboard(dash!);
console.log(renderSql(panelByTitle(d, title!).targets[0]!.rawSql, resolveRange(d.time, new Date()), { client: 'acme', provider: ['anthropic', 'gcp.gemini', 'mistral_ai', 'openai'] }));
