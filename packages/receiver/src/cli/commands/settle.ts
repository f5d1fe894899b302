import { createStoreClient, type StoreClient } from '../../clickhouse/store-client.js';
import type { SettleConfig } from '../../config/config-schema.js';
import { UsageError } from '../../errors.js';
import { processLease, settle, type SettleResult } from '../../settle/index.js';
import type { Command } from '../command.js';
import type { Pricer } from '@tokenledger/pricing';
import { buildPricer } from '../../server/receiver.js';

/**
 * The same lease as `serve`, so a manual run never overlaps a receiver's run. A slot can be taken
 * or half over, so it tries a few times across two slots before giving up.
 */
async function settleInTurn(store: StoreClient, minutes: number, options: SettleConfig, pricer: Pricer): Promise<SettleResult> {
  const lease = processLease(options);
  let result = await settle(store, { now: new Date(), windowMs: minutes * 60_000, lease, pricer });
  for (let attempt = 0; result.skipped && attempt < 8; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, (options.lease_seconds * 1000) / 4));
    result = await settle(store, { now: new Date(), windowMs: minutes * 60_000, lease, pricer });
  }
  return result;
}

export const settleCommand: Command = {
  name: 'settle',
  summary: 'run the settle stage once: inherit clients through traces, mark repeated calls',
  help: `Usage: tokenledger settle [--window-minutes N] [--config FILE]

Settles every trace that received a span in the last N minutes (default: settle.window_minutes of
tokenledger.yaml): a call without a client takes the client of its nearest ancestor span that has
one, and a call that repeats another's usage (same response id, a wrapper over the provider span,
an agent span with its children's totals) is marked duplicate_of and no longer billed. Rollups are
set to what the billed calls add up to. Running it twice changes nothing the second time. \`serve\` runs it
every settle.interval_seconds.`,
  options: { 'window-minutes': { type: 'string' } },
  async run({ values }, ctx) {
    const text = values['window-minutes'] as string | undefined;
    if (text !== undefined && !/^[1-9]\d*$/.test(text)) throw new UsageError('--window-minutes must be a whole number of minutes, at least 1');
    const config = await ctx.loadConfig();
    const minutes = text === undefined ? config.file.settle.window_minutes : Number(text);
    const store = createStoreClient(config.clickhouse);
    try {
      const result = await settleInTurn(store, minutes, config.file.settle, buildPricer(config));
      if (result.skipped) {
        ctx.stdout.write('settle: another receiver held the settle lease throughout; nothing done (it settles these traces itself)\n');
        return 0;
      }
      ctx.stdout.write(`settled: ${result.traces} traces, ${result.calls} calls; changed ${result.changed} (${result.inherited} clients inherited, ${result.duplicates} repeats unbilled)\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
