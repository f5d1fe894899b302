import type { PluginInstance, ReceiverPlugin } from '../server/receiver.js';
import { dropExpiredLinks } from './link-retention.js';
import { settle, type SettleResult } from './settle-run.js';

const HOUR_MS = 3_600_000;

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
  create({ store, config, now }): SettleInstance {
    const options = config.file.settle;
    let timer: NodeJS.Timeout | null = null;
    let running: Promise<unknown> | null = null;
    let error: Error | null = null;
    let lastRetention = 0;
    const runOnce = async () => {
      const at = now();
      const result = await settle(store, { now: at, windowMs: options.window_minutes * 60_000 });
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
          (err: unknown) => (error = err instanceof Error ? err : new Error(String(err))),
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
