/** Writes grafana/dashboards/*.json from these sources: `pnpm exec tsx grafana/src/build-dashboards.ts`. */
import { writeFileSync } from 'node:fs';
import { dashboardJson, dashboards } from './dashboards.js';

for (const [name, d] of Object.entries(dashboards)) {
  const file = new URL(`../dashboards/${name}.json`, import.meta.url);
  writeFileSync(file, dashboardJson(d));
  console.log(`wrote grafana/dashboards/${name}.json`);
}
