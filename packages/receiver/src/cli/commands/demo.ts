import { formatUsd } from '@tokenledger/pricing';
import { demoCalls } from '../../demo/demo-traffic.js';
import { portalHint, untilInterrupted } from '../../demo/portal-hint.js';
import { sendDemoSpans } from '../../demo/send-demo-spans.js';
import { UsageError } from '../../errors.js';
import type { UsageReport } from '../../reports/index.js';
import { thisMonth } from '../../reports/index.js';
import { defaultPlugins } from '../../server/default-plugins.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import type { Command } from '../command.js';
import { formatTable } from '../format-table.js';

function positiveInt(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UsageError(`${flag} must be an integer from 1 to 1000000, got "${text}"`);
  return n;
}

function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

function costTable(report: UsageReport): string {
  let total = 0n;
  const rows = report.rows.map((r) => {
    total += BigInt(r.cost_usd.replace('.', ''));
    return [r.client === '' ? '(unattributed)' : String(r.client), r.calls, r.input_tokens, r.cached_input_tokens, r.output_tokens, r.reasoning_tokens, r.unpriced_calls, r.unmetered_calls, `$${r.cost_usd}`];
  });
  const calls = report.rows.reduce((n, r) => n + r.calls, 0);
  rows.push(['total', calls, '', '', '', '', '', '', `$${formatUsd(total)}`]);
  return formatTable(['client', 'calls', 'input', 'cached', 'output', 'reasoning', 'unpriced', 'unmetered', 'cost'], rows);
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'send realistic sample traffic through the real OTLP path and print per-client costs',
  help: `Usage: tokenledger demo [--endpoint URL] [--calls N] [--seed N] [--keep]

Sends sample LLM calls for several clients (OpenAI, Anthropic, Gemini, Bedrock; streaming,
cached, cache-write and reasoning tokens; some unattributed, unpriced and unmetered) as spans
through the OpenTelemetry SDK and OTLP/HTTP exporter, then prints this month's cost per client
from the reports API.
  --endpoint URL  a running receiver (default: start one in this process on a free port)
  --calls N       how many calls (default 3000)
  --seed N        the traffic's random seed (default 7)
  --keep          keep the demo's receiver running on $PORT (default 4318) until Ctrl-C, and
                  print the portal's URL and a token to sign in with
Tokens: the first of TOKENLEDGER_INGEST_TOKENS and of TOKENLEDGER_API_TOKENS are sent when set.`,
  options: { endpoint: { type: 'string' }, calls: { type: 'string' }, seed: { type: 'string' }, keep: { type: 'boolean' } },
  async run({ values }, ctx) {
    const count = positiveInt(values.calls as string | undefined, '--calls', 3000);
    const seed = positiveInt(values.seed as string | undefined, '--seed', 7);
    const keep = values.keep === true;
    if (keep && values.endpoint) throw new UsageError('--keep keeps the demo\'s own receiver running: leave out --endpoint');
    const config = await ctx.loadConfig();
    let local: RunningServer | null = null;
    if (!values.endpoint) local = await startServer({ ...config, server: { ...config.server, port: keep ? config.server.port : 0 } }, ctx.stderr, { plugins: defaultPlugins });
    const endpoint = (values.endpoint as string | undefined) ?? local!.url;
    try {
      const now = new Date();
      ctx.stderr.write(`sending ${count} calls to ${endpoint}/v1/traces\n`);
      await sendDemoSpans(endpoint, demoCalls(now, count, seed), bearer(config.server.ingestTokens[0]));
      const month = thisMonth(now);
      const apiToken = config.server.apiTokens.find((t) => t.clientId === null)?.token;
      const res = await fetch(`${endpoint}/api/v1/usage?from=${month.from}&to=${month.to}&group_by=client`, { headers: bearer(apiToken) });
      if (!res.ok) throw new Error(`the reports API answered ${res.status}: ${await res.text()}`);
      const report = (await res.json()) as UsageReport;
      ctx.stdout.write(`Cost per client, ${month.from} to ${month.to} (UTC), from GET /api/v1/usage:\n\n${costTable(report)}`);
      ctx.stdout.write(`\n${portalHint(endpoint, config.server.apiTokens)}`);
      if (keep) {
        ctx.stdout.write('The receiver keeps running; Ctrl-C stops it.\n');
        await untilInterrupted();
      } else if (local) {
        ctx.stdout.write('This receiver stops now: run the demo with --keep to keep it running and open the portal.\n');
      }
      return 0;
    } finally {
      await local?.stop();
    }
  },
};
