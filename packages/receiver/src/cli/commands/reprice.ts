import { formatUsd } from '@tokenledger/pricing';
import { createStoreClient } from '../../clickhouse/store-client.js';
import { UsageError } from '../../errors.js';
import { exportQuerySchema, parseQuery } from '../../reports/index.js';
import { buildPricer } from '../../server/receiver.js';
import { reprice } from '../../store/reprice.js';
import type { Command } from '../command.js';
import { processLease } from '../../settle/index.js';

export const repriceCommand: Command = {
  name: 'reprice',
  summary: 'recompute stored calls after a catalog or override change, rollups kept consistent',
  help: `Usage: tokenledger reprice --from DATE --to DATE [--client ID] [--config FILE]

Prices every stored call in the range again with the built-in catalog and the overrides in
tokenledger.yaml, at each call's own timestamp. Calls whose cost or price changed are written
again (the newest revision wins) and the daily rollup is set to what the calls add up to. Calls that
were unpriced become priced once their model has a price. It holds the settle lease while it runs
(it waits up to settle.lease_seconds for the next slot), so no receiver settles the same rows in
between; run it again after an interruption and it finishes the job.`,
  options: { from: { type: 'string' }, to: { type: 'string' }, client: { type: 'string' } },
  async run({ values }, ctx) {
    if (!values.from || !values.to) throw new UsageError('--from and --to are required (ISO dates, --to exclusive)');
    const input: Record<string, string> = { from: values.from as string, to: values.to as string };
    if (values.client !== undefined) input.client = values.client as string;
    let range;
    try {
      range = parseQuery(exportQuerySchema, input);
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^query: /, '--'));
    }
    const config = await ctx.loadConfig();
    const store = createStoreClient(config.clickhouse);
    try {
      const result = await reprice(store, buildPricer(config), range, { lease: processLease(config.file.settle) });
      const sign = result.deltaNanos < 0n ? '-' : '+';
      const abs = result.deltaNanos < 0n ? -result.deltaNanos : result.deltaNanos;
      ctx.stdout.write(`repriced: ${result.changed} of ${result.examined} calls changed, total ${sign}$${formatUsd(abs)}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
