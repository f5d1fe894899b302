import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load-catalog.js';
import { createPricer } from '../engine/pricer.js';
import type { Usage } from '../usage.js';
import { usageFromAnthropic } from './anthropic-usage.js';
import { usageFromBedrock } from './bedrock-usage.js';
import { usageFromGemini } from './gemini-usage.js';
import { usageFromOpenAI } from './openai-usage.js';

const pricer = createPricer(loadCatalog());
const at = new Date('2026-09-01T00:00:00Z');
const cost = (provider: string, model: string, usage: Usage) => {
  const r = pricer.price({ provider, model, usage, at });
  if (!r.priced) throw new Error(r.reason);
  return r.breakdown;
};

describe('OpenAI usage: input and output are inclusive', () => {
  const chat = { prompt_tokens: 2000, completion_tokens: 300, total_tokens: 2300, prompt_tokens_details: { cached_tokens: 1500 }, completion_tokens_details: { reasoning_tokens: 200 } };

  it('keeps cached tokens inside the input count and reasoning inside output', () => {
    expect(usageFromOpenAI(chat)).toEqual({ inputTokens: 2000, cachedInputTokens: 1500, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: 300, reasoningTokens: 200 });
  });

  it('reads the Responses API and DeepSeek shapes', () => {
    expect(usageFromOpenAI({ input_tokens: 900, output_tokens: 50, input_tokens_details: { cached_tokens: 800 }, output_tokens_details: { reasoning_tokens: 40 } })).toMatchObject({ inputTokens: 900, cachedInputTokens: 800, outputTokens: 50, reasoningTokens: 40 });
    expect(usageFromOpenAI({ prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 60 })).toMatchObject({ inputTokens: 100, cachedInputTokens: 60 });
  });

  it('bills the 1,500 cached tokens once, at the cache-read price', () => {
    // gpt-4o: 500 x $2.50 + 1,500 x $1.25 + 300 x $10 per 1M. Adding cached to input, or billing it
    // at $2.50, would give 9.875 or 8 thousandths instead of 6.125.
    expect(cost('openai', 'gpt-4o', usageFromOpenAI(chat))).toEqual({ inputNanos: 1_250_000n, cachedInputNanos: 1_875_000n, cacheWriteNanos: 0n, outputNanos: 3_000_000n });
  });

  it('tolerates nulls and missing details', () => {
    expect(usageFromOpenAI({ prompt_tokens: 10, completion_tokens: null, prompt_tokens_details: null })).toMatchObject({ inputTokens: 10, outputTokens: 0, cachedInputTokens: 0 });
  });
});

describe('Anthropic usage: input excludes cache reads and writes', () => {
  const raw = { input_tokens: 100, cache_read_input_tokens: 10_000, cache_creation_input_tokens: 3000, cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 }, output_tokens: 500 };

  it('adds reads and writes to make the inclusive input, splitting writes by lifetime', () => {
    expect(usageFromAnthropic(raw)).toEqual({ inputTokens: 13_100, cachedInputTokens: 10_000, cacheWriteTokens: 2000, cacheWrite1hTokens: 1000, outputTokens: 500, reasoningTokens: 0 });
  });

  it('treats writes without a lifetime breakdown as 5-minute writes', () => {
    expect(usageFromAnthropic({ input_tokens: 5, cache_creation_input_tokens: 70, output_tokens: 1 })).toMatchObject({ inputTokens: 75, cacheWriteTokens: 70, cacheWrite1hTokens: 0 });
  });

  it('bills the uncached 100 at input price and each cache bucket at its own', () => {
    expect(cost('anthropic', 'claude-sonnet-4-5-20250929', usageFromAnthropic(raw))).toEqual({ inputNanos: 300_000n, cachedInputNanos: 3_000_000n, cacheWriteNanos: 13_500_000n, outputNanos: 7_500_000n });
  });
});

describe('Gemini usage: prompt includes cached content, candidates exclude thoughts', () => {
  const raw = { promptTokenCount: 10_000, cachedContentTokenCount: 4000, candidatesTokenCount: 100, thoughtsTokenCount: 400, totalTokenCount: 10_500 };

  it('adds thoughts to output and keeps cached inside the prompt', () => {
    expect(usageFromGemini(raw)).toEqual({ inputTokens: 10_000, cachedInputTokens: 4000, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: 500, reasoningTokens: 400 });
    expect(usageFromGemini({ prompt_token_count: 10, thoughts_token_count: 3, candidates_token_count: 2, tool_use_prompt_token_count: 5 })).toMatchObject({ inputTokens: 15, outputTokens: 5, reasoningTokens: 3 });
  });

  it('bills thinking tokens at the output price', () => {
    expect(cost('gcp.gemini', 'gemini-2.5-pro', usageFromGemini(raw))).toEqual({ inputNanos: 7_500_000n, cachedInputNanos: 500_000n, cacheWriteNanos: 0n, outputNanos: 5_000_000n });
  });
});

describe('Bedrock usage: Converse input excludes cache reads and writes', () => {
  const raw = { inputTokens: 1000, outputTokens: 100, totalTokens: 3600, cacheReadInputTokens: 2000, cacheWriteInputTokens: 500 };

  it('adds the cache counts to make the inclusive input', () => {
    expect(usageFromBedrock(raw)).toEqual({ inputTokens: 3500, cachedInputTokens: 2000, cacheWriteTokens: 500, cacheWrite1hTokens: 0, outputTokens: 100, reasoningTokens: 0 });
    expect(usageFromBedrock({ inputTokenCount: 7, outputTokenCount: 3 })).toMatchObject({ inputTokens: 7, outputTokens: 3 });
    expect(usageFromBedrock({ input_tokens: 1, cache_read_input_tokens: 2, output_tokens: 3 })).toMatchObject({ inputTokens: 3, cachedInputTokens: 2 });
  });

  it('prices Claude on Bedrock from the Bedrock list, geographic profiles at +10%', () => {
    const u = usageFromBedrock(raw);
    expect(cost('aws.bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', u)).toEqual({ inputNanos: 3_300_000n, cachedInputNanos: 660_000n, cacheWriteNanos: 2_062_500n, outputNanos: 1_650_000n });
    expect(cost('aws.bedrock', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', u)).toEqual({ inputNanos: 3_000_000n, cachedInputNanos: 600_000n, cacheWriteNanos: 1_875_000n, outputNanos: 1_500_000n });
  });
});
