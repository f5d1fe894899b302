import { readFile } from 'node:fs/promises';
import { diffCatalogs, importLiteLLM, loadCatalog, normalizeProvider, type Catalog, type CatalogEntry } from '@tokenledger/pricing';
import { TokenLedgerError, UsageError } from '../../errors.js';
import type { Command, CommandContext } from '../command.js';
import { formatTable } from '../format-table.js';
import { catalogFromConfig, ratesPerMtok } from './price.js';

function rows(catalog: Catalog, provider: string | undefined): CatalogEntry[] {
  const overrides = [...catalog.overrides.values()].flat();
  const all = [...catalog.entries, ...overrides];
  const wanted = provider === undefined ? undefined : normalizeProvider(provider);
  return wanted === undefined ? all : all.filter((e) => e.provider === wanted);
}

function listJson(entries: CatalogEntry[]) {
  return entries.map((e) => {
    const v = e.versions[e.versions.length - 1]!;
    return {
      provider: e.provider, model: e.model, kind: e.kind, origin: e.origin, client: e.clientId ?? null, aliases: e.aliases,
      effective_from: v.effectiveFromDate, source: v.source, prices_per_mtok: ratesPerMtok(v.bands[0]!.standard),
      long_context: v.bands.slice(1).map((b) => ({ above_input_tokens: b.aboveInputTokens, ...ratesPerMtok(b.standard) })),
    };
  });
}

async function list(values: Record<string, unknown>, ctx: CommandContext): Promise<number> {
  const entries = listJson(rows(await catalogFromConfig(ctx), values.provider as string | undefined));
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  const header = ['provider', 'model', 'since', 'input', 'cached', 'write_5m', 'write_1h', 'output', 'long_context'];
  const table = entries.map((e) => {
    const p = e.prices_per_mtok;
    const model = e.origin === 'override' ? `${e.model} (override${e.client ? ` for ${e.client}` : ''})` : e.model;
    const long = e.long_context.map((b) => `>${b.above_input_tokens / 1000}k`).join(' ') || '-';
    return [e.provider, model, e.effective_from, p.input, p.cached_input, p.cache_write, p.cache_write_1h, p.output, long];
  });
  ctx.stdout.write(`USD per 1M tokens, current prices (${entries.length} entries)\n${formatTable(header, table)}`);
  return 0;
}

async function readSource(source: string): Promise<string> {
  try {
    if (!/^https?:\/\//i.test(source)) return await readFile(source, 'utf8');
    const res = await fetch(source);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.text();
  } catch (err) {
    throw new TokenLedgerError('read_failed', `cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function diff(source: string | undefined, values: Record<string, unknown>, ctx: CommandContext): Promise<number> {
  if (!source) throw new UsageError('missing <file-or-url> (see tokenledger prices --help)');
  const today = new Date().toISOString().slice(0, 10);
  const imported = importLiteLLM(await readSource(source), { effectiveFrom: today, source });
  const result = diffCatalogs(loadCatalog(), loadCatalog({ files: imported.files }));
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify({ ...result, skipped: imported.skipped }, null, 2)}\n`);
    return 0;
  }
  const providers = imported.files.map((f) => f.provider).join(', ') || 'none';
  const out = [
    `prices diff: built-in catalog vs ${source} (providers: ${providers})`,
    `${result.added.length} added, ${result.changed.length} changed, ${result.removed.length} removed, ${imported.skipped.length} skipped`,
    ...(result.added.length ? ['', 'added (USD per 1M tokens):', ...result.added.map((a) => `  + ${a.provider}/${a.model}  input ${a.input}  output ${a.output}`)] : []),
    ...(result.changed.length ? ['', 'changed:', ...result.changed.map((c) => `  ~ ${c.provider}/${c.model}  ${c.field} ${c.from} -> ${c.to}`)] : []),
    ...(result.removed.length ? ['', 'not in the file:', ...result.removed.map((r) => `  - ${r.provider}/${r.model}`)] : []),
    '',
  ];
  ctx.stdout.write(out.join('\n'));
  return 0;
}

export const pricesCommand: Command = {
  name: 'prices',
  summary: 'list the price catalog, or diff it against a LiteLLM-format price file',
  help: `Usage: tokenledger prices list [--provider P] [--json]
       tokenledger prices diff <file-or-url> [--json]

list   the catalog's current prices in USD per 1M tokens (with tokenledger.yaml overrides)
diff   compare the built-in catalog with a file or http(s) URL in LiteLLM's
       model_prices_and_context_window.json format: added, changed and removed prices
  --provider P   only this host (openai, anthropic, aws.bedrock, gcp.vertex_ai, …)
  --json         JSON instead of text`,
  options: { provider: { type: 'string' }, json: { type: 'boolean' } },
  maxPositionals: 2,
  async run({ values, positionals }, ctx) {
    const [sub, arg] = positionals;
    if (sub === 'list' && arg === undefined) return list(values, ctx);
    if (sub === 'diff') return diff(arg, values, ctx);
    throw new UsageError(sub ? `unknown subcommand "${sub}" (list or diff)` : 'missing subcommand: list or diff');
  },
};
