import { migrate } from '../../clickhouse/migrate.js';
import { enforceRetention } from '../../clickhouse/retention.js';
import { createStoreClient } from '../../clickhouse/store-client.js';
import type { Command } from '../command.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'create or upgrade the ClickHouse schema, then drop partitions past retention',
  help: `Usage: tokenledger migrate [--config FILE]

Applies the numbered migrations in order to $CLICKHOUSE_DATABASE (default tokenledger) on
$CLICKHOUSE_URL, records them in schema_migrations, and drops monthly partitions older than
retention_days (default 400). Safe to run again, and safe while receivers run.`,
  options: {},
  async run(_args, ctx) {
    const config = await ctx.loadConfig();
    const client = createStoreClient(config.clickhouse);
    try {
      const report = await migrate(client, { database: config.clickhouse.database, cluster: config.clickhouse.cluster });
      const retention = await enforceRetention(client, new Date(), config.file.retention_days);
      ctx.stdout.write(
        `migrations: ${report.applied.length} applied, ${report.alreadyApplied.length} already applied (database ${config.clickhouse.database})\n` +
          (retention.dropped.length ? `retention: dropped ${retention.dropped.map((d) => `${d.table}/${d.partition}`).join(', ')}\n` : ''),
      );
      return 0;
    } finally {
      await client.close();
    }
  },
};
