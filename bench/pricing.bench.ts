/**
 * `pnpm bench pricing`: catalog load, model lookups (cold and warm) and full cost computations
 * per second over a realistic mix of provider/model ids, against a plain exact-id Map lookup
 * measured in the same run as the baseline.
 */
import { createPricer, emptyUsage, loadCatalog, resolveModel, type PriceRequest } from '../packages/pricing/src/index.js';

// What real spans carry: bare ids, dated snapshots, platform ids, prefixes, case noise, unknowns.
const MIX: [string, string][] = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini-2024-07-18'],
  ['openai', 'gpt-4.1-2025-04-14'],
  ['openai', 'o3'],
  ['openai', 'gpt-5-mini'],
  ['openai', 'text-embedding-3-small'],
  ['anthropic', 'claude-sonnet-4-5-20250929'],
  ['anthropic', 'claude-3-5-haiku-20241022'],
  ['anthropic', 'Claude-Opus-4-7'],
  ['aws.bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  ['aws.bedrock', 'eu.anthropic.claude-3-5-sonnet-20241022-v2:0'],
  ['gcp.vertex_ai', 'claude-sonnet-4-5@20250929'],
  ['gcp.vertex_ai', 'gemini-2.5-flash'],
  ['gcp.gemini', 'models/gemini-2.5-pro'],
  ['azure.ai.openai', 'gpt-4o-2024-11-20'],
  ['mistral_ai', 'mistral-large-latest'],
  ['deepseek', 'deepseek-chat'],
  ['x_ai', 'grok-4'],
  ['', 'openai/gpt-4.1-nano'],
  ['openai', 'my-fine-tune-unknown'],
];
const at = new Date('2026-09-01T00:00:00Z');
const usage = { ...emptyUsage, inputTokens: 1200, cachedInputTokens: 800, outputTokens: 300, reasoningTokens: 100 };
const REQUESTS: PriceRequest[] = MIX.map(([provider, model]) => ({ provider, model, usage, at }));

function measure(label: string, iterations: number, fn: (i: number) => unknown): { label: string; opsPerSec: number } {
  for (let i = 0; i < Math.min(iterations, 10_000); i++) fn(i); // warm the JIT
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < iterations; i++) if (fn(i)) sink++;
  const ns = Number(process.hrtime.bigint() - start);
  if (sink < 0) console.log(sink);
  return { label, opsPerSec: Math.round((iterations / ns) * 1e9) };
}

export async function run(): Promise<void> {
  const loadStart = process.hrtime.bigint();
  const catalog = loadCatalog();
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;

  const exact = new Map<string, unknown>(MIX.map(([p, m]) => [`${p}\u0000${m}`, catalog.entries[0]]));
  const keys = MIX.map(([p, m]) => `${p}\u0000${m}`);
  const n = MIX.length;
  const warm = createPricer(catalog);

  const rows = [
    measure('baseline: exact-id Map.get', 5_000_000, (i) => exact.get(keys[i % n]!)),
    measure('cold lookup: resolveModel, no cache', 300_000, (i) => resolveModel(catalog, MIX[i % n]![0], MIX[i % n]![1])),
    // A fresh pricer per round of the mix: every lookup misses its cache once, then hits.
    measure('first lookup in a fresh pricer', 300_000, (() => {
      let pricer = createPricer(catalog);
      return (i: number) => {
        if (i % n === 0) pricer = createPricer(catalog);
        return pricer.resolve(MIX[i % n]![0], MIX[i % n]![1]);
      };
    })()),
    measure('warm lookup: pricer.resolve (LRU hit)', 3_000_000, (i) => warm.resolve(MIX[i % n]![0], MIX[i % n]![1])),
    measure('warm price(): lookup + exact bigint cost', 1_000_000, (i) => warm.price(REQUESTS[i % n]!)),
  ];
  const base = rows[0]!.opsPerSec;
  console.log(`catalog: ${catalog.entries.length} entries, loadCatalog() ${loadMs.toFixed(1)} ms (validate + compile + index)`);
  console.log(`mix: ${n} provider/model ids (snapshots, platform ids, prefixes, case noise, 1 unknown)\n`);
  console.log('| operation | ops/s | vs baseline |');
  console.log('|---|---:|---:|');
  for (const r of rows) console.log(`| ${r.label} | ${r.opsPerSec.toLocaleString('en-US')} | ${(r.opsPerSec / base).toFixed(3)}x |`);
}
