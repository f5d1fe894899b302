import { diag } from '@opentelemetry/api';

/**
 * Shuts the SDK down on SIGTERM and `beforeExit`. A SIGTERM listener replaces Node's default
 * exit, so when ours is the only one we exit afterwards (128 + 15, the conventional code);
 * when the app has its own SIGTERM handler, exiting stays its decision.
 */
export function flushOnExit(shutdown: () => Promise<void>): void {
  const onSigterm = () => {
    void shutdown()
      .catch((error: unknown) => diag.error('tokenledger: shutdown on SIGTERM failed', error))
      .finally(() => {
        if (process.listenerCount('SIGTERM') === 0) process.exit(143);
      });
  };
  process.once('SIGTERM', onSigterm);
  process.once('beforeExit', () => {
    process.removeListener('SIGTERM', onSigterm);
    void shutdown().catch((error: unknown) => diag.error('tokenledger: shutdown before exit failed', error));
  });
}
