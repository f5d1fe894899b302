import { formatScaled, formatUsd } from '@tokenledger/pricing';
import { listClients } from '../../billing/index.js';
import { createStoreClient } from '../../clickhouse/store-client.js';
import type { Command } from '../command.js';
import { formatTable } from '../format-table.js';

export const clientsCommand: Command = {
  name: 'clients',
  summary: 'the clients table: configured clients and ids seen only in traffic',
  help: `Usage: tokenledger clients [--json]

Lists the clients table as the receiver synced it: name, plan, markup, monthly budget, alert
thresholds, hard cap, and whether the id is in tokenledger.yaml (ids seen only in traffic are
listed with in_config no and billed at no markup). --json prints the rows as JSON.`,
  options: { json: { type: 'boolean' } },
  async run({ values }, ctx) {
    const config = await ctx.loadConfig();
    const store = createStoreClient(config.clickhouse);
    try {
      const clients = (await listClients(store)).map((c) => ({
        id: c.id,
        name: c.name,
        plan: c.plan_type,
        markup_pct: formatScaled(BigInt(c.markup_bp), 2),
        monthly_budget_usd: c.monthly_budget_nanos === '0' ? null : formatUsd(BigInt(c.monthly_budget_nanos)),
        alert_thresholds_pct: c.alert_thresholds_pct.map(Number),
        hard_cap: Number(c.hard_cap) === 1,
        in_config: Number(c.in_config) === 1,
        updated_at: c.updated_at,
      }));
      if (values.json) {
        ctx.stdout.write(`${JSON.stringify({ clients }, null, 2)}\n`);
        return 0;
      }
      const rows = clients.map((c) => [
        c.id, c.name, c.plan, `${c.markup_pct}%`, c.monthly_budget_usd ?? '-', c.alert_thresholds_pct.join(',') || '-', c.hard_cap ? 'yes' : 'no', c.in_config ? 'yes' : 'no',
      ]);
      ctx.stdout.write(formatTable(['id', 'name', 'plan', 'markup', 'budget_usd', 'thresholds_pct', 'hard_cap', 'in_config'], rows));
      return 0;
    } finally {
      await store.close();
    }
  },
};
