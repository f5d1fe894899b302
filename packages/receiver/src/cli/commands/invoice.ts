import { writeFile } from 'node:fs/promises';
import { ClientDirectory, invoiceCsv, invoicePdf, invoiceText, loadInvoice, periodAt, periodFromLabel } from '../../billing/index.js';
import { createStoreClient } from '../../clickhouse/store-client.js';
import { UsageError } from '../../errors.js';
import { providerInvoiceGroups } from '../../reconcile/provider-invoice-lines.js';
import { buildPricer } from '../../server/receiver.js';
import type { Command } from '../command.js';

const FORMATS = ['table', 'json', 'csv', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

export const invoiceCommand: Command = {
  name: 'invoice',
  summary: "a client's invoice for a period: lines by provider x model, markup, total (table, JSON, CSV, PDF)",
  help: `Usage: tokenledger invoice <client> [--period YYYY-MM] [--format table|json|csv|pdf] [--out FILE]

The invoice GET /api/v1/invoices/<client> answers, from the stored calls (deduplicated, exact).
  --period YYYY-MM   the billing period (default: the current one, in UTC)
  --format           table (default), json, csv (RFC 4180) or pdf
  --out FILE         write to FILE instead of stdout (required for pdf)
See docs/billing.md for the fields, the rounding rule and the CSV layout.`,
  options: { period: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  maxPositionals: 1,
  async run({ values, positionals }, ctx) {
    const id = positionals[0];
    if (!id) throw new UsageError('a client id is required: tokenledger invoice <client> --period YYYY-MM');
    const format = (values.format ?? 'table') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
    const out = values.out as string | undefined;
    if (format === 'pdf' && !out) throw new UsageError('--format pdf needs --out FILE');
    const config = await ctx.loadConfig();
    const client = new ClientDirectory(config).get(id);
    const label = (values.period as string | undefined) ?? periodAt(new Date(), client.periodStartDay).label;
    try {
      periodFromLabel(label);
    } catch (err) {
      throw new UsageError(`--${(err as Error).message}`);
    }
    const store = createStoreClient(config.clickhouse);
    try {
      const invoice = await loadInvoice(store, client, label, providerInvoiceGroups(store, buildPricer(config), config));
      const body =
        format === 'pdf' ? await invoicePdf(invoice, new Date())
        : format === 'csv' ? invoiceCsv(invoice)
        : format === 'json' ? `${JSON.stringify(invoice, null, 2)}\n`
        : invoiceText(invoice);
      if (out) {
        await writeFile(out, body);
        ctx.stdout.write(`wrote ${out} (${invoice.client} ${invoice.period}, total ${invoice.total} ${invoice.currency})\n`);
      } else {
        ctx.stdout.write(body as string);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
