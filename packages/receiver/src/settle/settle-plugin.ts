import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SettleConfig } from '../config/config-schema.js';
import type { PluginInstance, ReceiverPlugin } from '../server/receiver.js';
import type { LeaseOptions } from './settle-lease.js';
import { dropExpiredLinks } from './link-retention.js';
import { settle, type SettleResult } from './settle-run.js';

const HOUR_MS = 3_600_000;

/** The lease of one process: receivers sharing a database settle in turn (settle-lease.ts). */
export function processLease(config: SettleConfig): LeaseOptions {
  return { holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, seconds: config.lease_seconds, claimDelayMs: 1_000 };
}

export interface SettleInstance extends PluginInstance {
  /** One run now (what the timer does); resolves with its result. */
  runOnce(): Promise<SettleResult>;
  /** The last run's failure, if it failed; the next tick retries. */
  lastError(): Error | null;
}

/**
 * Runs settle every `settle.interval_seconds` inside `serve`. Runs never overlap; a failed run
 * (ClickHouse away) is retried by the next tick, and nothing was acknowledged on its account.
 */
export const settlePlugin: ReceiverPlugin = {
  name: 'settle',
  create({ store, config, now, rewritten, log }): SettleInstance {
    const options = config.file.settle;
    let timer: NodeJS.Timeout | null = null;
    let running: Promise<unknown> | null = null;
    let error: Error | null = null;
    let lastRetention = 0;
    const lease = processLease(options);
    const runOnce = async () => {
      const at = now();
      const result = await settle(store, { now: at, windowMs: options.window_minutes * 60_000, lease });
      if (result.changed > 0) rewritten();
      if (at.getTime() - lastRetention >= HOUR_MS) {
        await dropExpiredLinks(store, at, options.link_retention_days);
        lastRetention = at.getTime();
      }
      return result;
    };
    const tick = () => {
      if (running) return; // a slow run is not stacked on: the next tick after it covers the window
      running = runOnce()
        .then(
          () => (error = null),
          (err: unknown) => {
            error = err instanceof Error ? err : new Error(String(err));
            log.write(`settle: run failed, the next tick retries: ${error.message}\n`);
          },
        )
        .finally(() => (running = null));
    };
    return {
      runOnce,
      lastError: () => error,
      async start() {
        if (!options.enabled) return;
        timer = setInterval(tick, options.interval_seconds * 1000);
        timer.unref();
      },
      async close() {
        if (timer) clearInterval(timer);
        await running;
      },
    };
  },
};
