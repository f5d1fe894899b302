import {
  createPricer,
  formatTrimmed,
  formatUsd,
  loadCatalog,
  serviceTiers,
  usageIsConsistent,
  type Catalog,
  type PricedResult,
  type Rates,
  type ServiceTier,
  type Usage,
} from '@tokenledger/pricing';
import { UsageError } from '../../errors.js';
import type { Command, CommandContext, ParsedArgs } from '../command.js';

/** The catalog as the receiver builds it: built-in prices plus tokenledger.yaml overrides. */
export async function catalogFromConfig(ctx: CommandContext): Promise<Catalog> {
  const { pricing } = (await ctx.loadConfig()).file;
  return loadCatalog({ overrides: pricing.overrides, azureDeployments: pricing.azure_deployments });
}

/** Rates as USD per 1M tokens, decimal strings ("2.5", "0.0375"). */
export function ratesPerMtok(r: Rates) {
  const usd = (v: bigint) => formatTrimmed(v, 9);
  return { input: usd(r.input), cached_input: usd(r.cachedInput), cache_write: usd(r.cacheWrite), cache_write_1h: usd(r.cacheWrite1h), output: usd(r.output) };
}

const COUNTS = ['input', 'output', 'cached-input', 'cache-write', 'cache-write-1h', 'reasoning'] as const;

function tokenCount(values: ParsedArgs['values'], name: string): number | undefined {
  const text = values[name] as string | undefined;
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new UsageError(`--${name} must be a whole number of tokens, got "${text}"`);
  return n;
}

/** --input counts every prompt token (cached and written included); --output includes --reasoning. */
function usageFrom(values: ParsedArgs['values']): Usage {
  const [input, output, cached = 0, write = 0, write1h = 0, reasoning = 0] = COUNTS.map((c) => tokenCount(values, c));
  const usage: Usage = {
    inputTokens: input ?? cached + write + write1h,
    cachedInputTokens: cached,
    cacheWriteTokens: write,
    cacheWrite1hTokens: write1h,
    outputTokens: output ?? reasoning,
    reasoningTokens: reasoning,
  };
  if (!usageIsConsistent(usage)) {
    throw new UsageError('--cached-input + --cache-write + --cache-write-1h must not exceed --input, nor --reasoning --output (both totals include their parts)');
  }
  return usage;
}

function parseAt(text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const at = new Date(day ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(at.getTime()) || (day && !at.toISOString().startsWith(text))) throw new UsageError(`--at must be a date YYYY-MM-DD or an ISO 8601 instant, got "${text}"`);
  return at;
}

function parseTier(text: string | undefined): ServiceTier {
  if (text === undefined) return 'standard';
  if (!(serviceTiers as readonly string[]).includes(text)) throw new UsageError(`--tier must be one of ${serviceTiers.join(', ')}, got "${text}"`);
  return text as ServiceTier;
}

function asJson(r: PricedResult, usage: Usage) {
  return {
    model: r.model,
    provider: r.provider,
    price_key: r.priceKey,
    origin: r.origin,
    effective_from: r.effectiveFrom,
    source: r.source,
    tier: r.tier,
    long_context_above: r.longContextAbove ?? null,
    prices_per_mtok: ratesPerMtok(r.rates),
    usage: {
      input_tokens: usage.inputTokens, cached_input_tokens: usage.cachedInputTokens, cache_write_tokens: usage.cacheWriteTokens,
      cache_write_1h_tokens: usage.cacheWrite1hTokens, output_tokens: usage.outputTokens, reasoning_tokens: usage.reasoningTokens,
    },
    cost_usd: formatUsd(r.totalNanos),
    input_usd: formatUsd(r.breakdown.inputNanos),
    cached_input_usd: formatUsd(r.breakdown.cachedInputNanos),
    cache_write_usd: formatUsd(r.breakdown.cacheWriteNanos),
    output_usd: formatUsd(r.breakdown.outputNanos),
  };
}

function asText(j: ReturnType<typeof asJson>): string {
  const p = j.prices_per_mtok;
  const u = j.usage;
  return [
    `${j.model} on ${j.provider}: price key ${j.price_key} (${j.origin}, in force from ${j.effective_from})`,
    `source: ${j.source}`,
    `USD per 1M tokens (${j.tier}${j.long_context_above ? `, long context above ${j.long_context_above} input tokens` : ''}): input ${p.input}, cached input ${p.cached_input}, cache write ${p.cache_write}, cache write 1h ${p.cache_write_1h}, output ${p.output}`,
    `usage: input ${u.input_tokens} (cached ${u.cached_input_tokens}, cache write ${u.cache_write_tokens}, cache write 1h ${u.cache_write_1h_tokens}), output ${u.output_tokens} (reasoning ${u.reasoning_tokens})`,
    `cost: ${j.cost_usd} USD = input ${j.input_usd} + cached input ${j.cached_input_usd} + cache write ${j.cache_write_usd} + output ${j.output_usd}`,
    '',
  ].join('\n');
}

export const priceCommand: Command = {
  name: 'price',
  summary: 'show the catalog price of a model and the exact cost of a call',
  help: `Usage: tokenledger price <model> [--provider P] [--input N] [--output N] [--cached-input N]
                         [--cache-write N] [--cache-write-1h N] [--reasoning N] [--tier T]
                         [--client ID] [--at DATE] [--json]

Matches <model> the way the receiver does (snapshots, Bedrock and Vertex ids, aliases, overrides from
tokenledger.yaml) and prints the matched entry, its prices per 1M tokens and the cost of the usage.
  --provider P     host: openai, azure.ai.openai, anthropic, aws.bedrock, gcp.gemini, gcp.vertex_ai, …
                   (default: taken from a prefix like bedrock/…, else the first-party lists)
  --input N        all prompt tokens, cached and cache-written ones included (default: their sum)
  --cached-input N, --cache-write N, --cache-write-1h N   the parts of --input that were cache
                   reads, 5-minute writes and 1-hour writes
  --output N       all output tokens, reasoning included; --reasoning N is the reasoning part
  --tier T         standard, batch, priority or flex (default standard)
  --client ID      apply that client's negotiated overrides
  --at DATE        price as of YYYY-MM-DD (UTC midnight) or an ISO instant (default now)
  --json           JSON with cost_usd and each part as decimal strings
An unknown model prints a line on stderr and exits 1.`,
  options: {
    provider: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' }, 'cached-input': { type: 'string' },
    'cache-write': { type: 'string' }, 'cache-write-1h': { type: 'string' }, reasoning: { type: 'string' },
    tier: { type: 'string' }, client: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run({ values, positionals }, ctx) {
    const model = positionals[0];
    if (!model) throw new UsageError('missing <model> (see tokenledger price --help)');
    const usage = usageFrom(values);
    const at = parseAt(values.at as string | undefined, new Date());
    const serviceTier = parseTier(values.tier as string | undefined);
    const provider = (values.provider as string | undefined) ?? '';
    const clientId = values.client as string | undefined;
    const pricer = createPricer(await catalogFromConfig(ctx), { cacheSize: 16 });
    const r = pricer.price({ provider, model, usage, at, serviceTier, ...(clientId ? { clientId } : {}) });
    if (!r.priced) {
      const where = provider ? ` on ${provider}` : '';
      const why = r.reason === 'no_price_at_date' ? `no price in force on ${at.toISOString().slice(0, 10)}` : 'unknown model, not priced';
      ctx.stderr.write(`tokenledger price: "${model}"${where}: ${why}\n`);
      return 1;
    }
    const json = asJson(r, usage);
    ctx.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : asText(json));
    return 0;
  },
};
