import { parseGatewayConfig, startGateway } from '@tokenledger/gateway';
import { ConfigError, UsageError } from '../../errors.js';
import { buildPricer } from '../../server/receiver.js';
import type { Command } from '../command.js';

function port(value: unknown): number {
  if (value === undefined) return 4000;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${String(value)}"`);
  return n;
}

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'run the metering proxy for the OpenAI, Anthropic and Gemini APIs (docs/gateway.md)',
  help: `Usage: tokenledger gateway [--port N] [--config FILE]

Proxies /openai/v1/*, /anthropic/v1/* and /gemini/v1beta/* to the providers (default port 4000),
sends a GenAI span per call to the receiver (gateway.receiver_url or $TOKENLEDGER_RECEIVER_URL),
and refuses calls of hard-capped clients over budget with 429 before the provider is called.
With gateway.keys set, callers send virtual keys and the gateway sends $OPENAI_API_KEY,
$ANTHROPIC_API_KEY or $GEMINI_API_KEY upstream; without, callers' own keys pass through.
SIGINT or SIGTERM stops it after calls in flight finish and their spans are sent.`,
  options: { port: { type: 'string' } },
  async run(args, ctx) {
    const listenPort = port(args.values.port);
    const app = await ctx.loadConfig();
    let config;
    try {
      config = parseGatewayConfig(app.file.gateway, ctx.env ?? {}, listenPort);
    } catch (error) {
      // GatewayConfigError names the key; the file it came from is ours to add.
      throw new ConfigError(`${app.configPath ?? 'tokenledger.yaml'}: ${(error as Error).message}`);
    }
    // The same file's hard caps: enforced while the receiver's budget API cannot be read (gateway.budget_unavailable).
    const hardCappedClients = app.file.clients.filter((c) => c.hard_cap).map((c) => c.id);
    const hardCappedScopes = app.file.budgets.filter((b) => b.hard_cap).map((b) => b.scope);
    const gateway = await startGateway(config, { pricer: buildPricer(app), log: ctx.stderr, hardCappedClients, hardCappedScopes });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    ctx.stderr.write('stopping: draining calls in flight, sending spans\n');
    await gateway.stop();
    return 0;
  },
};
