/** @tokenledger/receiver: the public surface for running TokenLedger from code instead of the CLI. */
export { main, type MainIo } from './cli/main.js';
export { loadConfig, parseFileConfig, type LoadConfigInput } from './config/load-config.js';
export type { AppConfig, ApiToken, ClickHouseConfig, ClientConfig, FileConfig } from './config/config-schema.js';
export { TokenLedgerError, ConfigError, UsageError, InvalidRequestError, NotFoundError, StoreUnavailableError } from './errors.js';

export { startServer, type RunningServer } from './server/start-server.js';
export { createReceiver, buildPricer, type Receiver, type ReceiverOptions, type ReceiverPlugin, type PluginContext, type PluginInstance } from './server/receiver.js';
export { defaultPlugins } from './server/default-plugins.js';

export { createStoreClient, type StoreClient } from './clickhouse/store-client.js';
export { migrate, migrationsApplied, MigrationError, type MigrationReport } from './clickhouse/migrate.js';
export { enforceRetention } from './clickhouse/retention.js';
export { sql, ident, quoteString, literal, type SqlFragment } from './clickhouse/sql.js';

export { decodeProtobufTraces, decodeJsonTraces, OtlpDecodeError, type DecodedSpan, type DecodeResult } from './otlp/index.js';
export { normalizeSpan, type NormalizedCall, type NormalizeOutcome, type NormalizeOptions } from './normalize/index.js';
export { reportsPlugin, usageReport, exportCallsCsv, type UsageReport, type UsageRow } from './reports/index.js';
export { readUnitUsage, type UnitUsage, type UnitUsageQuery } from './reports/index.js';
export { billingPlugin, loadInvoice, buildInvoice, invoiceCsv, invoicePdf, loadBudgets, type Invoice, type PlanLine, type PlanTerms } from './billing/index.js';
export { settlePlugin, settle } from './settle/index.js';
export { reprice, type RepriceResult } from './store/reprice.js';
export type { CallRow, StoredCall } from './rows/llm-call-row.js';
