import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SettleConfig } from '../config/config-schema.js';
import type { PluginInstance, ReceiverPlugin } from '../server/receiver.js';
import type { LeaseOptions } from './settle-lease.js';
import { dropExpiredLinks } from './link-retention.js';
import { settle, type SettleOptions, type SettleResult } from './settle-run.js';
import { BackgroundTask } from '../server/background-task.js';

const HOUR_MS = 3_600_000;

/** The lease of one process: receivers sharing a database settle in turn (settle-lease.ts). */
export function processLease(config: SettleConfig): LeaseOptions {
  return { holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, seconds: config.lease_seconds, claimDelayMs: 1_000 };
}

export interface SettleInstance extends PluginInstance {
  /** One run now (what the timer does); resolves with its result. `paging` sizes its pages. */
  runOnce(paging?: Pick<SettleOptions, 'pageTraces' | 'convergeMs'>): Promise<SettleResult>;
  /** The last run's failure, if it failed; the next tick retries. */
  lastError(): Error | null;
}

/**
 * Runs settle every `settle.interval_seconds` inside `serve`, never two at once (BackgroundTask),
 * backing off while ClickHouse fails. A run that overran its slot is logged and counted
 * (tokenledger_settle_runs_total{result="overran"}) and the next run resumes after the last
 * trace it finished, so a window too large for one slot is still covered, page by page.
 */
export const settlePlugin: ReceiverPlugin = {
  name: 'settle',
  create({ store, pricer, config, now, rewritten, log, metrics }): SettleInstance {
    const options = config.file.settle;
    let error: Error | null = null;
    let lastRetention = 0;
    let resumeAfter: string | undefined;
    const lease = processLease(options);
    const runOnce = async (paging: Pick<SettleOptions, 'pageTraces' | 'convergeMs'> = {}) => {
      const at = now();
      const result = await settle(store, { ...paging, now: at, windowMs: options.window_minutes * 60_000, lease, pricer, ...(resumeAfter !== undefined && { after: resumeAfter }) });
      // A skipped run (not this receiver's turn) keeps the place an overrun left.
      if (!result.skipped) resumeAfter = result.overran ? (result.next ?? undefined) : undefined;
      metrics.settleRuns.inc({ result: result.skipped ? 'skipped' : result.overran ? 'overran' : 'ok' });
      metrics.rollupCorrections.inc(result.corrected);
      if (result.overran) log.write(`settle: the run overran its ${options.lease_seconds} s slot after ${result.traces} traces; the next run resumes after trace ${result.next}\n`);
      if (result.changed > 0) rewritten();
      if (at.getTime() - lastRetention >= HOUR_MS) {
        await dropExpiredLinks(store, at, options.link_retention_days);
        lastRetention = at.getTime();
      }
      return result;
    };
    const task = new BackgroundTask({
      intervalMs: options.interval_seconds * 1000,
      maxBackoffMs: Math.max(options.interval_seconds * 1000, 10 * 60_000),
      // A run is as long as its slot allows: only failures back off.
      slowMs: Number.POSITIVE_INFINITY,
      run: async () => void (await runOnce()),
      onOutcome(outcome, err) {
        error = err;
        if (!err) return;
        metrics.settleRuns.inc({ result: 'failed' });
        log.write(`settle: run failed, retried in ${Math.round(task.currentDelayMs / 1000)} s: ${err.message}\n`);
      },
    });
    return {
      runOnce,
      lastError: () => error,
      async start() {
        if (options.enabled) task.start();
      },
      close: () => task.close(),
    };
  },
};
