import { diag } from '@opentelemetry/api';

/**
 * Shuts the SDK down on SIGTERM and `beforeExit`. A SIGTERM listener replaces Node's default
 * exit, so when ours is the only one we exit afterwards (128 + 15, the conventional code); when
 * the app listens too (counted when the signal arrives), exiting stays the app's decision.
 */
export function flushOnExit(shutdown: () => Promise<void>): void {
  const onSigterm = () => {
    const appListens = process.listenerCount('SIGTERM') > 1;
    process.removeListener('SIGTERM', onSigterm);
    void shutdown()
      .catch((error: unknown) => diag.error('tokenledger: shutdown on SIGTERM failed', error))
      .finally(() => {
        if (!appListens) process.exit(143);
      });
  };
  process.on('SIGTERM', onSigterm);
  process.once('beforeExit', () => {
    process.removeListener('SIGTERM', onSigterm);
    void shutdown().catch((error: unknown) => diag.error('tokenledger: shutdown before exit failed', error));
  });
}
