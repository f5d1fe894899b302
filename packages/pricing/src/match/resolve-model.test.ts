import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load-catalog.js';
import { modelCandidates } from './model-candidates.js';
import { normalizeProvider } from './provider-id.js';
import { resolveModel } from './resolve-model.js';

const catalog = loadCatalog({ azureDeployments: { 'Prod-Chat': 'gpt-4o-2024-11-20', 'cheap-embed': 'text-embedding-3-small' } });
const match = (provider: string, model: string) => {
  const r = resolveModel(catalog, provider, model);
  return r.entry ? `${r.entry.provider}/${r.entry.model}` : undefined;
};

describe('model matching', () => {
  it('matches exact ids, dated snapshots and aliases', () => {
    expect(match('openai', 'gpt-4o')).toBe('openai/gpt-4o');
    expect(match('openai', 'gpt-4o-2024-11-20')).toBe('openai/gpt-4o-2024-11-20');
    expect(match('openai', 'gpt-4o-2024-05-13')).toBe('openai/gpt-4o-2024-05-13');
    expect(match('openai', 'gpt-4.1-mini-2025-04-14')).toBe('openai/gpt-4.1-mini');
    expect(match('anthropic', 'claude-3-5-sonnet-20241022')).toBe('anthropic/claude-3-5-sonnet-20241022');
    expect(match('anthropic', 'claude-sonnet-4-5')).toBe('anthropic/claude-sonnet-4-5-20250929');
    expect(match('anthropic', 'claude-3-5-sonnet-latest')).toBe('anthropic/claude-3-5-sonnet-20241022');
  });

  it('falls back from an unlisted snapshot date to its model', () => {
    expect(match('openai', 'gpt-5-mini-2099-01-01')).toBe('openai/gpt-5-mini');
    expect(match('openai', 'o3-pro-20250610')).toBe('openai/o3-pro');
  });

  it('ignores case and whitespace noise', () => {
    expect(match('OpenAI', '  GPT-4o ')).toBe('openai/gpt-4o');
    expect(match('Anthropic', 'Claude-Opus-4-7')).toBe('anthropic/claude-opus-4-7');
  });

  it('matches Vertex AI @-snapshots and resource paths', () => {
    expect(match('gcp.vertex_ai', 'claude-sonnet-4-5@20250929')).toBe('gcp.vertex_ai/claude-sonnet-4-5');
    expect(match('gcp.vertex_ai', 'claude-opus-4-7@default')).toBe('gcp.vertex_ai/claude-opus-4-7');
    expect(match('gcp.vertex_ai', 'projects/p1/locations/us-east5/publishers/google/models/gemini-2.5-flash')).toBe('gcp.vertex_ai/gemini-2.5-flash');
    expect(match('gcp.gemini', 'models/gemini-2.5-pro')).toBe('gcp.gemini/gemini-2.5-pro');
    expect(match('gcp.gen_ai', 'claude-haiku-4-5@20251001')).toBe('gcp.vertex_ai/claude-haiku-4-5');
  });

  it('matches Bedrock ids with and without inference-profile prefixes', () => {
    const v2 = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
    expect(match('aws.bedrock', v2)).toBe(`aws.bedrock/${v2}`);
    for (const prefix of ['us.', 'eu.', 'apac.', 'global.']) expect(match('aws.bedrock', prefix + v2)).toBe(`aws.bedrock/${v2}`);
    // Geographic profiles of newer Claude models carry their own (10% higher) price.
    const s45 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
    expect(match('aws.bedrock', `eu.${s45}`)).toBe(`aws.bedrock/us.${s45}`);
    expect(match('aws.bedrock', `global.${s45}`)).toBe(`aws.bedrock/${s45}`);
    expect(match('bedrock', `us.${s45}`)).toBe(`aws.bedrock/us.${s45}`);
  });

  it('prices by the host: Claude on Bedrock and Vertex comes from those lists', () => {
    expect(match('aws.bedrock', 'claude-sonnet-4-5')).toBeUndefined();
    expect(match('anthropic', 'anthropic.claude-3-5-sonnet-20241022-v2:0')).toBeUndefined();
    expect(match('azure.ai.openai', 'gpt-4o')).toBe('azure.ai.openai/gpt-4o');
  });

  it('uses a routing prefix when the call names no provider, and first-party lists otherwise', () => {
    expect(match('', 'bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0')).toBe('aws.bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0');
    expect(match('', 'openai/gpt-4o')).toBe('openai/gpt-4o');
    expect(match('', 'gpt-4o')).toBe('openai/gpt-4o');
    expect(match('', 'claude-3-haiku-20240307')).toBe('anthropic/claude-3-haiku-20240307');
  });

  it('maps Azure deployment names from config', () => {
    expect(match('azure.ai.openai', 'prod-chat')).toBe('azure.ai.openai/gpt-4o');
    expect(match('azure', 'cheap-embed')).toBe('azure.ai.openai/text-embedding-3-small');
    expect(match('openai', 'prod-chat')).toBeUndefined();
  });

  it('finds nothing for unknown models', () => {
    expect(match('openai', 'gpt-unknown')).toBeUndefined();
    expect(match('openai', '')).toBeUndefined();
  });
});

describe('name helpers', () => {
  it('lists candidates from exact to loosest', () => {
    expect(modelCandidates('us.anthropic.claude-3-5-sonnet-20241022-v2:0').candidates).toEqual([
      'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
      'anthropic.claude-3-5-sonnet-20241022-v2:0',
      'us.anthropic.claude-3-5-sonnet-20241022',
      'us.anthropic.claude-3-5-sonnet',
      'anthropic.claude-3-5-sonnet-20241022',
      'anthropic.claude-3-5-sonnet',
    ]);
    expect(modelCandidates('vertex_ai/claude-sonnet-4-5@20250929')).toEqual({
      providerHint: 'gcp.vertex_ai',
      candidates: [
        'vertex_ai/claude-sonnet-4-5@20250929',
        'claude-sonnet-4-5@20250929',
        'vertex_ai/claude-sonnet-4-5-20250929',
        'vertex_ai/claude-sonnet-4-5',
        'claude-sonnet-4-5-20250929',
        'claude-sonnet-4-5',
      ],
    });
  });

  it('normalizes provider names to gen_ai.provider.name values', () => {
    expect(['azure', 'az.ai.openai', 'bedrock', 'vertex_ai', 'gemini', 'xai', 'mistral', 'Cohere'].map(normalizeProvider)).toEqual([
      'azure.ai.openai', 'azure.ai.openai', 'aws.bedrock', 'gcp.vertex_ai', 'gcp.gemini', 'x_ai', 'mistral_ai', 'cohere',
    ]);
    expect(normalizeProvider('vLLM')).toBe('vllm');
  });
});
