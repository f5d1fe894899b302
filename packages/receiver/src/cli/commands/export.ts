import { createWriteStream } from 'node:fs';
import { createStoreClient } from '../../clickhouse/store-client.js';
import { UsageError } from '../../errors.js';
import { exportCallsCsv, exportQuerySchema, parseQuery, thisMonth } from '../../reports/index.js';
import type { Command } from '../command.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'per-call CSV with tokens, cost and all tags',
  help: `Usage: tokenledger export [--from DATE] [--to DATE] [--client ID] [--out FILE]

Writes every stored call in the range as CSV (as GET /api/v1/export does), to stdout or --out.
  --from, --to   ISO 8601 dates or instants in UTC, --to exclusive (default: this month)`,
  options: { from: { type: 'string' }, to: { type: 'string' }, client: { type: 'string' }, out: { type: 'string' } },
  async run({ values }, ctx) {
    const month = thisMonth(new Date());
    const input: Record<string, string> = { from: (values.from as string) ?? month.from, to: (values.to as string) ?? month.to };
    if (values.client !== undefined) input.client = values.client as string;
    let query;
    try {
      query = parseQuery(exportQuerySchema, input);
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^query: /, '--'));
    }
    const config = await ctx.loadConfig();
    const store = createStoreClient(config.clickhouse);
    const file = values.out ? createWriteStream(values.out as string) : null;
    try {
      for await (const chunk of exportCallsCsv(store, query)) {
        if (file) file.write(chunk);
        else ctx.stdout.write(chunk);
      }
      return 0;
    } finally {
      if (file) await new Promise((resolve) => file.end(resolve));
      await store.close();
    }
  },
};
