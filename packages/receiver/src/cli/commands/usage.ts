import { createStoreClient } from '../../clickhouse/store-client.js';
import { UsageError } from '../../errors.js';
import { parseQuery, thisMonth, usageQuerySchema, usageReport } from '../../reports/index.js';
import type { Command } from '../command.js';
import { formatTable } from '../format-table.js';

/** How a table names the rows whose key is '' (the JSON keeps ''). */
const EMPTY = { client: '(unattributed)', unit_kind: '(no unit)' };

export const usageCommand: Command = {
  name: 'usage',
  summary: 'usage and cost grouped by client, project, feature, app, environment, provider, model, day or unit_kind',
  help: `Usage: tokenledger usage [--from DATE] [--to DATE] [--client ID] [--group-by KEYS] [--json]

Exact usage and cost from the stored calls, as GET /api/v1/usage answers it.
  --from, --to   ISO 8601 dates or instants in UTC, --to exclusive (default: this month)
  --client ID    one client ('' is unattributed usage)
  --group-by     comma-separated: client,project,feature,app,environment,provider,model,day,unit_kind
                 (default client); with unit_kind each row also shows its distinct units and the
                 exact cost per unit (rounded half-up to the nano-USD)
  --json         the API's JSON instead of a table`,
  options: { from: { type: 'string' }, to: { type: 'string' }, client: { type: 'string' }, 'group-by': { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, ctx) {
    const month = thisMonth(new Date());
    const input: Record<string, string> = { from: (values.from as string) ?? month.from, to: (values.to as string) ?? month.to };
    if (values.client !== undefined) input.client = values.client as string;
    if (values['group-by'] !== undefined) input.group_by = values['group-by'] as string;
    let query;
    try {
      query = parseQuery(usageQuerySchema, input);
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^query: /, '--').replace('group_by', 'group-by'));
    }
    const config = await ctx.loadConfig();
    const store = createStoreClient(config.clickhouse);
    try {
      const report = await usageReport(store, query);
      if (values.json) {
        ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return 0;
      }
      const byUnit = report.group_by.includes('unit_kind');
      const header = [...report.group_by, 'calls', 'input', 'cached', 'cache_write', 'output', 'reasoning', 'cost_usd', 'unpriced', 'unmetered', ...(byUnit ? ['units', 'cost_per_unit'] : [])];
      const rows = report.rows.map((r) => [
        ...report.group_by.map((k) => (r[k] === '' && k in EMPTY ? EMPTY[k as keyof typeof EMPTY] : String(r[k]))),
        r.calls, r.input_tokens, r.cached_input_tokens, r.cache_write_tokens, r.output_tokens, r.reasoning_tokens, r.cost_usd, r.unpriced_calls, r.unmetered_calls,
        ...(byUnit ? [r.units ?? 0, r.cost_per_unit_usd ?? '-'] : []),
      ]);
      ctx.stdout.write(`usage ${report.from} .. ${report.to}\n${formatTable(header, rows)}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
