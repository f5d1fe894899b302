import { readFile } from 'node:fs/promises';
import { normalizeProvider } from '@tokenledger/pricing';
import { createStoreClient } from '../../clickhouse/store-client.js';
import type { AppConfig } from '../../config/config-schema.js';
import { UsageError } from '../../errors.js';
import { importFromApis, parseProviderCsv, rangeDays, reconcileConfigSchema, reconciliationReport, reconcileQuerySchema, storeImport, type ImportSummary, type ReconcileReport } from '../../reconcile/index.js';
import { parseQuery, thisMonth } from '../../reports/index.js';
import { buildPricer } from '../../server/receiver.js';
import type { Command, CommandContext, ParsedArgs } from '../command.js';
import { formatTable } from '../format-table.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
type Values = ParsedArgs['values'];

function dayFlag(values: Values, name: 'from' | 'to', required: boolean): Date | undefined {
  const text = values[name] as string | undefined;
  if (text === undefined) {
    if (required) throw new UsageError(`--${name} YYYY-MM-DD is required`);
    return undefined;
  }
  const date = new Date(`${text}T00:00:00Z`);
  if (!DAY.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) throw new UsageError(`--${name} must be a date YYYY-MM-DD, got "${text}"`);
  return date;
}

function importRange(values: Values, required: boolean): { from: Date; to: Date } | undefined {
  const from = dayFlag(values, 'from', required);
  const to = dayFlag(values, 'to', required);
  if ((from === undefined) !== (to === undefined)) throw new UsageError('--from and --to go together');
  if (!from || !to) return undefined;
  if (from >= to) throw new UsageError('--from must be before --to (--to is exclusive)');
  return { from, to };
}

/** `--file`: the days of the file, or of --from/--to when given (rows outside are an error). */
async function importCsv(config: AppConfig, values: Values, ctx: { now: Date }): Promise<ImportSummary> {
  const provider = values.provider as string | undefined;
  if (!provider) throw new UsageError('--file needs --provider, the provider the file reports (e.g. aws.bedrock)');
  const range = importRange(values, false);
  let text: string;
  try {
    text = await readFile(values.file as string, 'utf8');
  } catch (err) {
    throw new UsageError(`--file ${String(values.file)}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const rows = parseProviderCsv(text);
  const days = range ? rangeDays(range) : [...new Set(rows.map((r) => r.day))];
  const outside = rows.find((r) => !days.includes(r.day));
  if (outside) throw new UsageError(`--file has a row for ${outside.day}, outside --from/--to`);
  const store = createStoreClient(config.clickhouse);
  try {
    return await storeImport({ store, pricer: buildPricer(config), now: ctx.now }, 'csv', [{ provider: normalizeProvider(provider), rows, days }]);
  } finally {
    await store.close();
  }
}

async function runImport({ values }: ParsedArgs, ctx: CommandContext): Promise<number> {
  const provider = values.provider as string | undefined;
  if (values.file === undefined && provider !== undefined && provider !== 'openai' && provider !== 'anthropic') {
    throw new UsageError(`--provider must be openai or anthropic for an API import, got "${provider}" (other providers: --file)`);
  }
  const range = values.file === undefined ? importRange(values, true) : undefined;
  const config = await ctx.loadConfig();
  const now = new Date();
  let summary: ImportSummary;
  if (values.file !== undefined) summary = await importCsv(config, values, { now });
  else {
    const store = createStoreClient(config.clickhouse);
    try {
      const reconcile = config.file.reconcile ?? reconcileConfigSchema.parse({});
      summary = await importFromApis({ store, pricer: buildPricer(config), now }, { config: reconcile, adminKeys: config.adminKeys ?? {}, range: range!, provider });
    } finally {
      await store.close();
    }
  }
  for (const [p, s] of Object.entries(summary.providers)) ctx.stdout.write(`imported ${p}: ${s.rows} rows, ${s.days} days replaced (import ${summary.import_id})\n`);
  return 0;
}

function printReport(report: ReconcileReport, ctx: CommandContext): void {
  const header = [...report.group_by, 'provider_usd', 'tracked_usd', 'drift_usd', 'drift_pct', 'provider_in', 'tracked_in', 'provider_out', 'tracked_out', 'requests', 'calls', 'status'];
  const dash = (v: string | number | null) => (v === null ? '-' : v);
  const rows = report.rows.map((r) => [
    ...report.group_by.map((k) => (k === 'client' && r[k] === '' ? '(unattributed)' : String(r[k]))),
    dash(r.provider_cost_usd), r.tracked_cost_usd, dash(r.drift_usd), dash(r.drift_pct), dash(r.provider_input_tokens), r.tracked_input_tokens,
    dash(r.provider_output_tokens), r.tracked_output_tokens, dash(r.provider_requests), r.tracked_calls, r.status,
  ]);
  ctx.stdout.write(`reconciliation ${report.from} .. ${report.to}\n${formatTable(header, rows)}`);
}

async function runReport({ values }: ParsedArgs, ctx: CommandContext): Promise<number> {
  const month = thisMonth(new Date());
  const input: Record<string, string> = { from: (values.from as string) ?? month.from, to: (values.to as string) ?? month.to };
  if (values.provider !== undefined) input.provider = values.provider as string;
  if (values['group-by'] !== undefined) input.group_by = values['group-by'] as string;
  let query;
  try {
    query = parseQuery(reconcileQuerySchema, input);
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^query: /, '--').replace('group_by', 'group-by'));
  }
  const config = await ctx.loadConfig();
  const store = createStoreClient(config.clickhouse);
  try {
    const report = await reconciliationReport(store, buildPricer(config), query, config.file.reconcile?.tolerance_pct ?? 2);
    if (values.json) ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printReport(report, ctx);
    return 0;
  } finally {
    await store.close();
  }
}

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: "import the providers' usage and cost reports and compare them with tracked spend",
  help: `Usage: tokenledger reconcile import [--provider openai|anthropic] --from YYYY-MM-DD --to YYYY-MM-DD
       tokenledger reconcile import --file F.csv --provider P [--from YYYY-MM-DD --to YYYY-MM-DD]
       tokenledger reconcile report [--from DATE] [--to DATE] [--provider P] [--group-by KEYS] [--json]

import   pulls daily buckets (every page) from the admin APIs of reconcile.sources in
         tokenledger.yaml (keys from the variables admin_key_env names) into provider_usage,
         replacing what was stored for those days; a failed import changes nothing.
         --to is exclusive; no --provider = every configured source.
         --file reads the same shape from a CSV (docs/reconciliation.md "CSV format") for
         providers without an API (aws.bedrock, gcp.vertex_ai): it replaces the file's days,
         or --from/--to when given.
report   provider bill against tracked spend, as GET /api/v1/reconciliation answers it.
  --from, --to   dates or instants in UTC, --to exclusive (default: this month)
  --group-by     comma-separated: day,provider,model,client (default day,provider,model)
  --json         the API's JSON instead of a table`,
  options: { provider: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, file: { type: 'string' }, 'group-by': { type: 'string' }, json: { type: 'boolean' } },
  maxPositionals: 1,
  async run(args, ctx) {
    const [sub] = args.positionals;
    if (sub === 'import') {
      if (args.values['group-by'] !== undefined || args.values.json !== undefined) throw new UsageError('--group-by and --json belong to reconcile report');
      return runImport(args, ctx);
    }
    if (sub === 'report') {
      if (args.values.file !== undefined) throw new UsageError('--file belongs to reconcile import');
      return runReport(args, ctx);
    }
    throw new UsageError(sub === undefined ? 'say what to do: reconcile import or reconcile report (see --help)' : `unknown subcommand "${sub}": import or report`);
  },
};
