/**
 * Provider names as they arrive (OTel `gen_ai.provider.name`, the deprecated `gen_ai.system`,
 * LiteLLM and Vercel AI SDK names) mapped to the catalog's provider ids (usage.ts providerIds).
 * The host sets the price, so each name maps to the one list it is billed from.
 */
const ALIASES: Record<string, string> = {
  openai: 'openai',
  'azure.ai.openai': 'azure.ai.openai',
  'az.ai.openai': 'azure.ai.openai',
  azure: 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  'azure-openai': 'azure.ai.openai',
  anthropic: 'anthropic',
  'aws.bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  bedrock_converse: 'aws.bedrock',
  'amazon-bedrock': 'aws.bedrock',
  amazon_bedrock: 'aws.bedrock',
  'gcp.gemini': 'gcp.gemini',
  gemini: 'gcp.gemini',
  google: 'gcp.gemini',
  'google.generative-ai': 'gcp.gemini',
  'gcp.vertex_ai': 'gcp.vertex_ai',
  vertex_ai: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  'google.vertex': 'gcp.vertex_ai',
  'google-vertex': 'gcp.vertex_ai',
  mistral_ai: 'mistral_ai',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  deepseek: 'deepseek',
  x_ai: 'x_ai',
  xai: 'x_ai',
  cohere: 'cohere',
  cohere_chat: 'cohere',
  groq: 'groq',
};

/** Model-id prefixes that name the host ("openai/gpt-4o", "bedrock/anthropic.claude-…"). */
export const routingPrefixes: Record<string, string> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  bedrock: 'aws.bedrock',
  gemini: 'gcp.gemini',
  google: 'gcp.gemini',
  vertex_ai: 'gcp.vertex_ai',
  mistral: 'mistral_ai',
  deepseek: 'deepseek',
  xai: 'x_ai',
  cohere: 'cohere',
  groq: 'groq',
};

/** First-party lists searched when a call names no provider at all. */
export const firstPartyProviders = ['openai', 'anthropic', 'gcp.gemini', 'mistral_ai', 'deepseek', 'x_ai', 'cohere'];

/** Canonical id for a provider name; an unknown name comes back lower-cased (overrides may use it). */
export function normalizeProvider(name: string): string {
  const key = name.trim().toLowerCase();
  return ALIASES[key] ?? key;
}

/**
 * The price lists to search for a provider, in order. `gcp.gen_ai` (any Google endpoint) tries
 * Vertex first, whose list also holds Claude; an empty name tries the first-party lists.
 */
export function providerSearchOrder(provider: string): readonly string[] {
  if (provider === '') return firstPartyProviders;
  if (provider === 'gcp.gen_ai') return ['gcp.vertex_ai', 'gcp.gemini'];
  return [provider];
}
