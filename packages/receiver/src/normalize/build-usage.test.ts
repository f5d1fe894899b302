import { describe, expect, it } from 'vitest';
import { buildUsage, OTEL_SEMANTICS, totalShowsReasoningExcluded } from './build-usage.js';

describe('buildUsage', () => {
  it('keeps inclusive counts as they are', () => {
    expect(buildUsage({ input: 1500, cacheRead: 1000, cacheWrite: 400, output: 90, reasoning: 30 }, OTEL_SEMANTICS)).toEqual({
      ok: true,
      usage: { inputTokens: 1500, cachedInputTokens: 1000, cacheWriteTokens: 400, cacheWrite1hTokens: 0, outputTokens: 90, reasoningTokens: 30 },
    });
  });

  it('adds every cache bucket to cache-exclusive input and reasoning to reasoning-exclusive output', () => {
    const semantics = { inputIncludesCache: false, outputIncludesReasoning: false };
    expect(buildUsage({ input: 100, cacheRead: 1000, cacheWrite: 300, cacheWrite1h: 200, output: 40, reasoning: 60 }, semantics)).toEqual({
      ok: true,
      usage: { inputTokens: 1600, cachedInputTokens: 1000, cacheWriteTokens: 300, cacheWrite1hTokens: 200, outputTokens: 100, reasoningTokens: 60 },
    });
  });

  it('returns null usage (unmetered) when no bucket is reported, even if a total is', () => {
    expect(buildUsage({ total: 50 }, OTEL_SEMANTICS)).toEqual({ ok: true, usage: null });
  });

  it('reports zero counts as zero, not as unmetered', () => {
    expect(buildUsage({ input: 0, output: 0 }, OTEL_SEMANTICS)).toEqual({
      ok: true,
      usage: { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    });
  });

  it('refuses cache above input and reasoning above output after conversion', () => {
    expect(buildUsage({ input: 10, cacheWrite1h: 11 }, OTEL_SEMANTICS)).toEqual({ ok: false, message: 'cache tokens (read 0, write 11) exceed input tokens 10' });
    expect(buildUsage({ cacheRead: 5 }, OTEL_SEMANTICS)).toEqual({ ok: false, message: 'cache tokens (read 5, write 0) exceed input tokens 0' });
  });
});

describe('totalShowsReasoningExcluded', () => {
  it('is true only when the total counts reasoning on top of output (within 1)', () => {
    expect(totalShowsReasoningExcluded({ input: 100, output: 50, reasoning: 30, total: 180 })).toBe(true);
    expect(totalShowsReasoningExcluded({ input: 100, output: 50, reasoning: 30, total: 181 })).toBe(true);
    expect(totalShowsReasoningExcluded({ input: 100, output: 50, reasoning: 30, total: 150 })).toBe(false);
    expect(totalShowsReasoningExcluded({ input: 100, output: 50, reasoning: 0, total: 150 })).toBe(false);
    expect(totalShowsReasoningExcluded({ input: 100, output: 50, reasoning: 30 })).toBe(false);
  });
});
