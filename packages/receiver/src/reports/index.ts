export { reportsPlugin, parseQuery } from './report-routes.js';
export { usageReport, usageQuerySchema, GROUP_KEYS, type UsageReport, type UsageRow, type GroupKey } from './usage-report.js';
export { exportCallsCsv, exportQuerySchema } from './export-calls.js';
export { rangeSchema, thisMonth } from './report-range.js';
export { readUnitUsage, type UnitUsage, type UnitUsageQuery } from './unit-usage.js';
