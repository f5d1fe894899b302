import { agencyOverview } from './agency-overview.js';
import { clientDetail } from './client-detail.js';
import { models } from './models.js';
import type { Json } from './panel.js';
import { pipelineHealth } from './pipeline-health.js';
import { reconciliation } from './reconciliation.js';

/** Every dashboard, by the file name it is provisioned from (grafana/dashboards/<name>.json). */
export const dashboards: Record<string, Json> = {
  'agency-overview': agencyOverview,
  'client-detail': clientDetail,
  models,
  'pipeline-health': pipelineHealth,
  reconciliation,
};

export function dashboardJson(d: Json): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
