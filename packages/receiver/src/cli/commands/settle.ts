import { createStoreClient } from '../../clickhouse/store-client.js';
import { UsageError } from '../../errors.js';
import { processLease, settle } from '../../settle/index.js';
import type { Command } from '../command.js';

export const settleCommand: Command = {
  name: 'settle',
  summary: 'run the settle stage once: inherit clients through traces, mark repeated calls',
  help: `Usage: tokenledger settle [--window-minutes N] [--config FILE]

Settles every trace that received a span in the last N minutes (default: settle.window_minutes of
tokenledger.yaml): a call without a client takes the client of its nearest ancestor span that has
one, and a call that repeats another's usage (same response id, a wrapper over the provider span,
an agent span with its children's totals) is marked duplicate_of and no longer billed. Rollups are
corrected by the difference. Running it twice changes nothing the second time. \`serve\` runs it
every settle.interval_seconds.`,
  options: { 'window-minutes': { type: 'string' } },
  async run({ values }, ctx) {
    const config = await ctx.loadConfig();
    const text = values['window-minutes'] as string | undefined;
    const minutes = text === undefined ? config.file.settle.window_minutes : Number(text);
    if (!Number.isInteger(minutes) || minutes < 1) throw new UsageError('--window-minutes must be a whole number of minutes, at least 1');
    const store = createStoreClient(config.clickhouse);
    try {
      // The same lease as `serve`, so a manual run never overlaps a receiver's.
      const result = await settle(store, { now: new Date(), windowMs: minutes * 60_000, lease: processLease(config.file.settle) });
      if (result.skipped) {
        ctx.stdout.write('settle: another receiver holds the settle lease now (or this slot is half over); nothing done, try again\n');
        return 0;
      }
      ctx.stdout.write(`settled: ${result.traces} traces, ${result.calls} calls; changed ${result.changed} (${result.inherited} clients inherited, ${result.duplicates} repeats unbilled)\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
