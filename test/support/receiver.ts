import { loadConfig } from '../../packages/receiver/src/config/load-config.js';
import type { AppConfig } from '../../packages/receiver/src/config/config-schema.js';
import { defaultPlugins } from '../../packages/receiver/src/server/default-plugins.js';
import type { ReceiverOptions } from '../../packages/receiver/src/server/receiver.js';
import { startServer, type RunningServer } from '../../packages/receiver/src/server/start-server.js';
import { createTestDatabase, type TestDatabase } from './clickhouse.js';

export interface TestReceiver {
  db: TestDatabase;
  server: RunningServer;
  url: string;
  config: AppConfig;
  stop(): Promise<void>;
}

const quiet = { write: () => undefined };

/** A real receiver on 127.0.0.1:0 over a fresh database; env and file config as a user gives them. */
export async function startTestReceiver(
  prefix: string,
  options: { env?: Record<string, string>; receiver?: ReceiverOptions; clickhouseUrl?: string; yaml?: string } = {},
): Promise<TestReceiver> {
  const db = await createTestDatabase(prefix);
  const config = await loadConfig({
    env: { CLICKHOUSE_URL: options.clickhouseUrl ?? db.url, CLICKHOUSE_DATABASE: db.name, PORT: '0', ...options.env },
  });
  if (options.yaml) {
    const { parseFileConfig } = await import('../../packages/receiver/src/config/load-config.js');
    config.file = parseFileConfig(options.yaml, 'test.yaml');
  }
  // Tests read ClickHouse straight after an answer; the journal (answers before llm_calls has the
  // rows) is on only where a test asks for it in its yaml (test/receiver-journal.test.ts).
  if (!/^ingest:/m.test(options.yaml ?? '')) config.file.ingest = { ...config.file.ingest, journal_min_in_flight: 0 };
  const server = await startServer(config, quiet, { plugins: defaultPlugins, ...options.receiver });
  return {
    db,
    server,
    url: server.url,
    config,
    async stop() {
      await server.stop();
      await db.drop();
    },
  };
}
