import { serve, type ServerType } from '@hono/node-server';
import type { AppConfig } from '../config/config-schema.js';
import { migrate } from '../clickhouse/migrate.js';
import { enforceRetention } from '../clickhouse/retention.js';
import type { Output } from '../cli/command.js';
import { describeAccess } from '../http/auth.js';
import { createReceiver, type Receiver, type ReceiverOptions } from './receiver.js';

export interface RunningServer {
  receiver: Receiver;
  port: number;
  url: string;
  /** Stops accepting connections, stores what was accepted, closes ClickHouse. */
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;

function listen(receiver: Receiver, host: string, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: receiver.app.fetch, hostname: host, port }, (info) => resolve({ server, port: info.port }));
    server.once('error', reject);
  });
}

/** `tokenledger serve`: migrate, listen, drop expired partitions daily, drain on stop. */
export async function startServer(config: AppConfig, log: Output, options: ReceiverOptions = {}): Promise<RunningServer> {
  const receiver = createReceiver(config, { log, ...options });
  const target = { database: config.clickhouse.database, cluster: config.clickhouse.cluster };
  const report = await migrate(receiver.store, target);
  if (report.applied.length) log.write(`migrations applied: ${report.applied.join(', ')}\n`);
  const retention = () => enforceRetention(receiver.store, new Date(), config.file.retention_days).catch((err: Error) => log.write(`retention failed: ${err.message}\n`));
  await retention();
  for (const plugin of receiver.plugins) await plugin.start?.();
  const retentionTimer = setInterval(() => void retention(), DAY_MS);
  retentionTimer.unref();
  const { host } = config.server;
  const { server, port } = await listen(receiver, host, config.server.port);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.write(`tokenledger receiver listening on ${url} (OTLP/HTTP: ${url}/v1/traces)\n`);
  for (const line of describeAccess(config.server)) log.write(`${line}\n`);
  return {
    receiver,
    port,
    url,
    async stop() {
      clearInterval(retentionTimer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await receiver.close();
    },
  };
}
