/**
 * Realistic sample traffic for `tokenledger demo`: several clients on several providers and
 * models, projects and features, streaming, cached, cache-write and reasoning tokens, long
 * prompts, some unattributed, unpriced and unmetered calls, spread over this month so far.
 * Seeded, so the same day gives the same figures.
 */

export interface DemoCall {
  startTime: Date;
  durationMs: number;
  resource: { app: string; environment: string };
  attributes: Record<string, string | number | boolean>;
}

interface Profile {
  provider: string;
  model: string;
  response: string;
  op: 'chat' | 'embeddings' | 'generate_content';
  input: [number, number];
  output: [number, number];
  cachedShare?: number;
  cacheWriteShare?: number;
  reasoningShare?: number;
  streamShare?: number;
}

const PROFILES: Profile[] = [
  { provider: 'openai', model: 'gpt-4o', response: 'gpt-4o-2024-08-06', op: 'chat', input: [300, 4000], output: [50, 800], cachedShare: 0.3, streamShare: 0.5 },
  { provider: 'openai', model: 'gpt-4o-mini', response: 'gpt-4o-mini-2024-07-18', op: 'chat', input: [200, 3000], output: [20, 500], cachedShare: 0.2 },
  { provider: 'openai', model: 'o3', response: 'o3-2025-04-16', op: 'chat', input: [500, 6000], output: [300, 4000], reasoningShare: 0.7 },
  { provider: 'openai', model: 'text-embedding-3-small', response: 'text-embedding-3-small', op: 'embeddings', input: [100, 8000], output: [0, 0] },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', response: 'claude-sonnet-4-5-20250929', op: 'chat', input: [1000, 30000], output: [100, 1500], cachedShare: 0.6, cacheWriteShare: 0.1, streamShare: 0.6 },
  { provider: 'anthropic', model: 'claude-haiku-4-5', response: 'claude-haiku-4-5-20251001', op: 'chat', input: [500, 5000], output: [50, 600], cachedShare: 0.4 },
  { provider: 'gcp.gemini', model: 'gemini-2.5-pro', response: 'gemini-2.5-pro', op: 'generate_content', input: [2000, 260000], output: [200, 3000], reasoningShare: 0.3 },
  { provider: 'gcp.gemini', model: 'gemini-2.5-flash', response: 'gemini-2.5-flash', op: 'generate_content', input: [500, 20000], output: [50, 1000] },
  { provider: 'aws.bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', response: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', op: 'chat', input: [800, 12000], output: [80, 900] },
];

const CLIENTS = [
  { id: 'acme', weight: 5, projects: ['support-bot', 'search'], features: ['chat', 'summarize', 'search'], profiles: [0, 1, 4, 3] },
  { id: 'globex', weight: 3, projects: ['analytics'], features: ['report', 'classify'], profiles: [2, 6, 1] },
  { id: 'initech', weight: 2, projects: ['copilot'], features: ['codegen', 'review'], profiles: [4, 5, 8] },
  { id: 'umbrella', weight: 1, projects: ['research'], features: ['extract'], profiles: [7, 6, 3] },
];

/** mulberry32: a small, well-known seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function demoCalls(now: Date, count: number, seed = 7): DemoCall[] {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const between = ([lo, hi]: [number, number]) => Math.round(lo + (hi - lo) * random() ** 2);
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const span = Math.max(60_000, now.getTime() - monthStart - 60_000);
  const weighted = CLIENTS.flatMap((c) => Array<typeof c>(c.weight).fill(c));
  return Array.from({ length: count }, (_, i) => {
    const client = pick(weighted);
    const profile = PROFILES[pick(client.profiles)]!;
    const input = between(profile.input);
    const output = profile.op === 'embeddings' ? 0 : between(profile.output);
    const attributes: DemoCall['attributes'] = {
      'gen_ai.provider.name': profile.provider,
      'gen_ai.operation.name': profile.op,
      'gen_ai.request.model': profile.model,
      'gen_ai.response.model': profile.response,
      'gen_ai.response.id': `demo-${seed}-${i}`,
      'tokenledger.project': pick(client.projects),
      'tokenledger.feature': pick(client.features),
    };
    const unattributed = random() < 0.05;
    if (!unattributed) attributes['tokenledger.client.id'] = client.id;
    if (random() < 0.3) attributes['tokenledger.tag.tier'] = pick(['gold', 'silver']);
    const stream = random() < (profile.streamShare ?? 0);
    if (stream) attributes['gen_ai.request.stream'] = true;
    const unmetered = stream && random() < 0.05; // a stream read without usage
    const unpriced = random() < 0.02; // a fine-tune nobody priced yet
    if (unpriced) attributes['gen_ai.request.model'] = attributes['gen_ai.response.model'] = `ft:${profile.model}:acme-support:v2`;
    if (!unmetered) {
      attributes['gen_ai.usage.input_tokens'] = input;
      attributes['gen_ai.usage.output_tokens'] = output;
      if (profile.cachedShare && random() < 0.7) attributes['gen_ai.usage.cache_read.input_tokens'] = Math.floor(input * profile.cachedShare);
      if (profile.cacheWriteShare && random() < 0.3) attributes['gen_ai.usage.cache_write.input_tokens'] = Math.floor(input * profile.cacheWriteShare);
      if (profile.reasoningShare) attributes['gen_ai.usage.reasoning.output_tokens'] = Math.floor(output * profile.reasoningShare);
    }
    return {
      startTime: new Date(monthStart + Math.floor(random() * span)),
      durationMs: 300 + Math.floor(random() * 8000),
      resource: { app: pick(['api', 'worker']), environment: 'production' },
      attributes,
    };
  });
}
