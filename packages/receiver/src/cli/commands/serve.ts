import { defaultPlugins } from '../../server/default-plugins.js';
import { startServer } from '../../server/start-server.js';
import type { Command } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the OTLP/HTTP receiver and the reports API',
  help: `Usage: tokenledger serve [--port N] [--config FILE]

Applies migrations, then listens for OTLP/HTTP traces on POST /v1/traces (default port 4318,
or $PORT) and serves /api/v1/*, /healthz, /readyz and /metrics. With no
TOKENLEDGER_INGEST_TOKENS / TOKENLEDGER_API_TOKENS set it listens on 127.0.0.1 only.
SIGINT or SIGTERM stops it after storing everything it has acknowledged.`,
  options: { port: { type: 'string' } },
  async run(_args, ctx) {
    const config = await ctx.loadConfig();
    const server = await startServer(config, ctx.stderr, { plugins: defaultPlugins });
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    ctx.stderr.write('stopping: storing accepted spans\n');
    await server.stop();
    return 0;
  },
};
