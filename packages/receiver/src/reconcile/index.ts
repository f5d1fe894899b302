export { reconcilePlugin, createReconcile, type ReconcileInstance } from './reconcile-plugin.js';
export { reconciliationReport, reconcileQuerySchema, RECONCILE_KEYS, type ReconcileReport, type ReconcileRow } from './reconciliation-report.js';
export { importFromApis, storeImport, type ImportSummary } from './run-import.js';
export { parseProviderCsv, CSV_COLUMNS } from './csv-import.js';
export { reconcileConfigSchema, type ReconcileConfig } from './reconcile-config.js';
export { AdminKeyError, ProviderApiError, ProviderCsvError } from './reconcile-errors.js';
export { rangeDays } from './provider-row.js';
