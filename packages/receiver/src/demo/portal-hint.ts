import type { ApiToken } from '../config/config-schema.js';

/**
 * What the demo prints last, so a newcomer can open the portal: its URL and a token to sign in
 * with (the first client-scoped one, and the operator's). The tokens are the ones the person
 * running the demo set in TOKENLEDGER_API_TOKENS, printed to their own terminal only.
 */
export function portalHint(url: string, tokens: readonly ApiToken[]): string {
  const lines = [`Portal: ${url}/portal`];
  const client = tokens.find((t) => t.clientId !== null);
  const operator = tokens.find((t) => t.clientId === null);
  if (tokens.length === 0) lines.push('  open without sign-in on this machine (no TOKENLEDGER_API_TOKENS set: loopback only)');
  if (client) lines.push(`  sign in as ${client.clientId} with the token: ${client.token}`);
  if (operator) lines.push(`  sign in as the operator (all clients) with the token: ${operator.token}`);
  return `${lines.join('\n')}\n`;
}

/** Resolves on the first SIGINT or SIGTERM (Ctrl-C). */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
