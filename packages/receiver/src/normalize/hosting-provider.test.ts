import { describe, expect, it } from 'vitest';
import { providerFromServerAddress } from './hosting-provider.js';
import { canonicalAiSdkProvider, canonicalProvider, providerFromModel } from './provider-aliases.js';

describe('providerFromServerAddress', () => {
  it.each([
    ['contoso.openai.azure.com', 'azure.ai.openai'],
    ['contoso.cognitiveservices.azure.com', 'azure.ai.openai'],
    ['contoso.services.ai.azure.com', 'azure.ai.openai'],
    ['bedrock-runtime.us-east-1.amazonaws.com', 'aws.bedrock'],
    ['bedrock-runtime-fips.us-gov-west-1.amazonaws.com', 'aws.bedrock'],
    ['aiplatform.googleapis.com', 'gcp.vertex_ai'],
    ['us-central1-aiplatform.googleapis.com', 'gcp.vertex_ai'],
    ['generativelanguage.googleapis.com', 'gcp.gemini'],
    ['API.Anthropic.com', 'anthropic'],
    ['api.openai.com', 'openai'],
    ['api.x.ai', 'x_ai'],
    ['api.mistral.ai', 'mistral_ai'],
    ['s3.us-east-1.amazonaws.com', ''],
    ['openai.azure.com.evil.example', ''],
    ['127.0.0.1', ''],
    ['', ''],
  ])('%s -> %s', (host, provider) => {
    expect(providerFromServerAddress(host)).toBe(provider);
  });
});

describe('provider aliases (§9 rule 5)', () => {
  it.each([
    ['OpenAI', 'openai'],
    ['Azure', 'azure.ai.openai'],
    ['AWS', 'aws.bedrock'],
    ['amazon-bedrock', 'aws.bedrock'],
    ['Anthropic', 'anthropic'],
    ['vertexai', 'gcp.vertex_ai'],
    ['google', 'gcp.gemini'],
    ['mistralai', 'mistral_ai'],
    ['xai', 'x_ai'],
    ['gcp.gen_ai', 'gcp.gen_ai'],
    ['Ollama', 'ollama'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['', ''],
  ])('canonicalProvider(%s) = %s', (raw, provider) => {
    expect(canonicalProvider(raw)).toBe(provider);
  });

  it.each([
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['google.vertex.chat', 'gcp.vertex_ai'],
    ['google.generative-ai', 'gcp.gemini'],
    ['azure.chat', 'azure.ai.openai'],
    ['amazon-bedrock', 'aws.bedrock'],
    ['gateway', 'gateway'],
  ])('canonicalAiSdkProvider(%s) = %s', (raw, provider) => {
    expect(canonicalAiSdkProvider(raw)).toBe(provider);
  });

  it('infers first-party vendors from model names only', () => {
    expect(['gpt-4.1', 'o3-mini', 'claude-opus-4-1', 'gemini-2.5-pro', 'llama-3.1-70b'].map(providerFromModel)).toEqual([
      'openai',
      'openai',
      'anthropic',
      'gcp.gemini',
      '',
    ]);
  });
});
