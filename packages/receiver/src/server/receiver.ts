import { Hono } from 'hono';
import { createPricer, loadCatalog, type PriceOverride, type Pricer } from '@tokenledger/pricing';
import type { AppConfig } from '../config/config-schema.js';
import { migrationsApplied } from '../clickhouse/migrate.js';
import { isPermanentStoreError } from '../clickhouse/clickhouse-errors.js';
import { createStoreClient, type StoreClient } from '../clickhouse/store-client.js';
import { createApp } from '../http/app.js';
import { DecodeGate } from '../http/decode-gate.js';
import { createMetrics, type Metrics } from '../http/metrics.js';
import { BatchWriter } from '../ingest/batch-writer.js';
import { replayJournal, type ReplayOptions } from '../ingest/journal-replay.js';
import { JournaledWriter } from '../ingest/journaled-writer.js';
import { processHolder, workClaimer } from '../coordination/work-claims.js';
import { BackgroundTask } from './background-task.js';
import { priceCall } from '../ingest/price-call.js';
import { checkAhead, combinePrepared, insertPrepared, prepareIngestRows, type PreparedBatch } from '../ingest/store-calls.js';
import { normalizeSpan, plausibleStages, spanClient } from '../normalize/index.js';
import { DEFAULT_DECODE_LIMITS, decodeTraces, type DecodedSpan, type OtlpFormat } from '../otlp/index.js';
import { requestRows } from '../ingest/request-rows.js';
import { IngestStats } from '../store/ingest-stats.js';
import type { IngestRow } from '../ingest/ingest-row.js';
import type { StoredCall } from '../rows/llm-call-row.js';
import { inProcessApi } from './in-process-api.js';

export interface ReceiverOptions {
  /** The cap of one insert (group commit: a batch is what arrived while the previous one was stored). Default 5,000 rows. */
  maxBatchRows?: number;
  /** Refuse with 429 beyond this many rows accepted but not stored (bounds memory). */
  maxPendingRows?: number;
  maxBodyBytes?: number;
  maxDecompressedBytes?: number;
  /** OTLP requests read and decoded at once (default 1: see docs/benchmarks.md "decode-memory"), and how many may wait (default 64; then 429). */
  maxConcurrentDecodes?: number;
  maxWaitingDecodes?: number;
  statsFlushMs?: number;
  /** How often journal entries left undrained are looked for (default 30,000 ms). */
  journalReplayMs?: number;
  now?: () => Date;
  /** Features built on stored calls: reports, budgets, alerts. */
  plugins?: ReceiverPlugin[];
  /** Unexpected errors go here (default: stderr). */
  log?: { write(text: string): void };
}

export interface PluginContext {
  store: StoreClient;
  pricer: Pricer;
  config: AppConfig;
  now(): Date;
  /** Where a plugin reports failures it recovers from (a refresh, a delivery record), one line each. */
  log: { write(text: string): void };
  /** Says that stored calls were rewritten (settled, repriced): plugins reload what they derived. */
  rewritten(): void;
  /** The /api/v1 routes of every plugin, called in-process as a caller scoped to one client or none (null). */
  callApi(path: string, scopeClient: string | null): Promise<Response>;
  /** The receiver's Prometheus metrics (background work counts its runs there). */
  metrics: Metrics;
}

/**
 * A feature that rides on the receiver: routes under /api/v1 (behind the API token check), a
 * hook that sees every call row once it is stored (never before), and its own start and stop.
 */
export interface ReceiverPlugin {
  name: string;
  create(ctx: PluginContext): PluginInstance;
}

export interface PluginInstance {
  routes?: Hono;
  /** Routes outside /api (the portal's pages): mounted at the root, the plugin checks access itself. */
  pages?: Hono;
  onStored?(calls: readonly StoredCall[]): void;
  /** Stored calls changed after they were seen by onStored (see PluginContext.rewritten). */
  onRewritten?(): void;
  /** Runs after migrations, before the server listens (load state from ClickHouse). */
  start?(): Promise<void>;
  close?(): Promise<void>;
}

export interface Receiver {
  app: Hono;
  store: StoreClient;
  pricer: Pricer;
  metrics: Metrics;
  writer: BatchWriter<IngestRow, PreparedBatch>;
  /** What OTLP requests are written through: the batch writer, acknowledging from the journal while requests come fast. */
  journal: JournaledWriter;
  plugins: PluginInstance[];
  /** Drains accepted rows, writes pending stats, closes ClickHouse connections. */
  close(): Promise<void>;
}

export function buildPricer(config: AppConfig): Pricer {
  return createPricer(
    loadCatalog({
      overrides: config.file.pricing.overrides as unknown as PriceOverride[],
      azureDeployments: config.file.pricing.azure_deployments,
    }),
  );
}

/** The plugins' routes, each read made after `visible` says the calls answered so far are in llm_calls. */
function apiRoutes(plugins: PluginInstance[], visible: () => Promise<void>): Hono {
  const api = new Hono();
  api.use('*', async (_c, next) => {
    await visible();
    await next();
  });
  for (const plugin of plugins) if (plugin.routes) api.route('/', plugin.routes);
  return api;
}

/** The write-ahead journal in front of the batch writer, and the replay of what its receivers left undrained. */
function writeAheadJournal(deps: {
  store: StoreClient;
  writer: BatchWriter<IngestRow, PreparedBatch>;
  config: AppConfig;
  metrics: Metrics;
  log: { write(text: string): void };
  now: () => Date;
  replayMs: number | undefined;
  requestRows: ReplayOptions['requestRows'];
}): { journal: JournaledWriter; replay: BackgroundTask } {
  const { store, writer, config, metrics, log, now } = deps;
  const holder = processHolder();
  const journal = new JournaledWriter(store, writer, {
    minInFlight: config.file.ingest.journal_min_in_flight,
    receiver: holder,
    now,
    onJournaled: () => metrics.journalEntries.inc({ event: 'written' }),
    onRejected: (entry, err) => {
      metrics.journalEntries.inc({ event: 'rejected' });
      log.write(`journal: ClickHouse refused the calls of acknowledged entry ${entry.batch_id} for good (kept in ingest_journal): ${err.message}\n`);
    },
  });
  const claimer = workClaimer(store, { holder });
  let caughtUp = false; // until this receiver's first replay ran over the whole retention
  const replay = new BackgroundTask({
    intervalMs: deps.replayMs ?? 30_000,
    maxBackoffMs: 300_000,
    run: async () => {
      const retentionDays = config.file.ingest.journal_retention_days;
      const r = await replayJournal(store, writer, { now: now(), claimer, retentionDays, lookbackMs: caughtUp ? undefined : retentionDays * 86_400_000, requestRows: deps.requestRows });
      caughtUp ||= r.ran;
      metrics.journalEntries.inc({ event: 'replayed' }, r.stored);
      metrics.journalEntries.inc({ event: 'rejected' }, r.rejected);
      if (r.stored + r.rejected + r.failed > 0) log.write(`journal: replayed ${r.stored} entries not drained by their receiver, ${r.rejected} refused by ClickHouse, ${r.failed} to try again\n`);
    },
    onOutcome: (outcome, error) => {
      if (error) log.write(`journal replay ${outcome}: ${error.message}\n`);
    },
  });
  replay.start();
  return { journal, replay };
}

/** Wires decode → normalize → price → store for one process, from the one config value. */
export function createReceiver(config: AppConfig, options: ReceiverOptions = {}): Receiver {
  const now = options.now ?? (() => new Date());
  const store = createStoreClient(config.clickhouse);
  const pricer = buildPricer(config);
  const metrics = createMetrics(() => writer.pendingRows);
  const rewritten = () => plugins.forEach((p) => p.onRewritten?.());
  const log = options.log ?? { write: (t: string) => void process.stderr.write(t) };
  // Bound late: the API is made of the plugins' routes, and a plugin calls it only while serving a request.
  const callApi = inProcessApi(() => api);
  const plugins: PluginInstance[] = (options.plugins ?? []).map((p) => p.create({ store, pricer, config, now, rewritten, log, callApi, metrics }));
  const api = apiRoutes(plugins, () => journal.visible());
  const stats = new IngestStats(store);
  const target = { database: config.clickhouse.database, cluster: config.clickhouse.cluster };
  const writer = new BatchWriter<IngestRow, PreparedBatch>({
    maxBatchRows: options.maxBatchRows ?? 5_000,
    isPermanent: isPermanentStoreError,
    maxPendingRows: options.maxPendingRows ?? 200_000,
    prepare: (rows, unconfirmed) => prepareIngestRows(store, rows, unconfirmed),
    combine: combinePrepared,
    store: async (batch) => {
      await insertPrepared(store, batch);
      for (const plugin of plugins) plugin.onStored?.(batch.calls);
      if (batch.duplicates) {
        metrics.spans.inc({ outcome: 'duplicate' }, batch.duplicates);
        stats.record(now(), 'duplicate', batch.duplicates);
      }
    },
    onFlush: ({ rows, ms, ok }) => {
      metrics.insertSeconds.observe({ result: ok ? 'ok' : 'error' }, ms / 1000);
      if (ok) metrics.batchRows.observe(rows);
    },
  });
  const normalizeOptions = { extraClientKeys: config.file.attribution.client_keys };
  /** The ingest stages, their plausibility checks made at `clock`'s time (a replayed request's: its arrival). */
  const stagesAt = (clock: () => Date) =>
    plausibleStages(
      { normalize: (span: DecodedSpan) => normalizeSpan(span, normalizeOptions), price: priceCall(pricer), spanClient: (span: DecodedSpan) => spanClient(span, normalizeOptions) },
      config.file.limits,
      clock,
    );
  const requestRowsOf = (bytes: Uint8Array, format: OtlpFormat, arrivedAt: Date) => requestRows(decodeTraces(bytes, format, DEFAULT_DECODE_LIMITS), stagesAt(() => arrivedAt), arrivedAt).rows;
  const { journal, replay } = writeAheadJournal({ store, writer, config, metrics, log, now, replayMs: options.journalReplayMs, requestRows: requestRowsOf });
  const statsTimer = setInterval(() => void stats.flush(), options.statsFlushMs ?? 5_000);
  statsTimer.unref();
  const app = createApp({
    config,
    log,
    metrics,
    writer: journal,
    // Only while the writer is idle: otherwise the next batch's check already overlaps an insert.
    checkAhead: (spans) => (writer.idle ? checkAhead(store, spans, writer.epoch) : undefined),
    stats,
    now,
    stages: stagesAt(now),
    limits: {
      ...DEFAULT_DECODE_LIMITS,
      maxBodyBytes: options.maxBodyBytes ?? 16 * 2 ** 20,
      maxDecompressedBytes: options.maxDecompressedBytes ?? 64 * 2 ** 20,
    },
    decodeGate: new DecodeGate(options.maxConcurrentDecodes ?? 1, options.maxWaitingDecodes ?? 64),
    ready: async () => {
      if (!(await store.ping().catch(() => false))) return { ok: false, reason: 'ClickHouse is not reachable' };
      if (!(await migrationsApplied(store, target))) return { ok: false, reason: 'migrations are not applied' };
      return { ok: true };
    },
    api,
    pages: plugins.flatMap((p) => (p.pages ? [p.pages] : [])),
  });
  return {
    app,
    store,
    pricer,
    metrics,
    writer,
    journal,
    plugins,
    async close() {
      clearInterval(statsTimer);
      await replay.close();
      await journal.close();
      await writer.close();
      await stats.flush();
      for (const plugin of plugins) await plugin.close?.();
      await store.close();
    },
  };
}
