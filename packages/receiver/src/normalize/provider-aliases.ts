/**
 * Provider names -> the OTel `gen_ai.provider.name` well-known values that pricing keys on
 * (reference §1.3, §9 rule 5). Producers spell providers many ways: deprecated `gen_ai.system`
 * values, OpenLLMetry's capitalised vendors, OpenInference's `llm.provider`, AI SDK provider ids.
 * Unknown names pass through lowercased.
 */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['openai', 'openai'],
  ['azure.ai.openai', 'azure.ai.openai'],
  ['az.ai.openai', 'azure.ai.openai'],
  ['azure', 'azure.ai.openai'],
  ['azure-openai', 'azure.ai.openai'],
  ['azure_openai', 'azure.ai.openai'],
  ['az.ai.inference', 'azure.ai.inference'],
  ['anthropic', 'anthropic'],
  ['aws.bedrock', 'aws.bedrock'],
  ['aws', 'aws.bedrock'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['amazon_bedrock', 'aws.bedrock'],
  ['bedrock', 'aws.bedrock'],
  ['gcp.vertex_ai', 'gcp.vertex_ai'],
  ['vertex_ai', 'gcp.vertex_ai'],
  ['vertexai', 'gcp.vertex_ai'],
  ['google-vertex', 'gcp.vertex_ai'],
  ['google.vertex', 'gcp.vertex_ai'],
  ['gcp.gemini', 'gcp.gemini'],
  ['gemini', 'gcp.gemini'],
  ['google', 'gcp.gemini'],
  ['google.generative-ai', 'gcp.gemini'],
  ['google-generative-ai', 'gcp.gemini'],
  ['x_ai', 'x_ai'],
  ['xai', 'x_ai'],
  ['mistral_ai', 'mistral_ai'],
  ['mistralai', 'mistral_ai'],
  ['mistral', 'mistral_ai'],
  ['deepseek', 'deepseek'],
  ['cohere', 'cohere'],
  ['groq', 'groq'],
]);

const MAX_PROVIDER_LENGTH = 64;

/** Canonical provider for any spelling; '' stays ''. */
export function canonicalProvider(raw: string): string {
  if (raw === '') return '';
  const lower = raw.toLowerCase();
  return ALIASES.get(lower) ?? lower.slice(0, MAX_PROVIDER_LENGTH);
}

/**
 * AI SDK provider ids carry an API suffix (`openai.chat`, `anthropic.messages`, `google.vertex.chat`):
 * the vendor is the part before the first dot, except Vertex whose id has two parts (reference §5.2).
 */
export function canonicalAiSdkProvider(raw: string): string {
  const lower = raw.toLowerCase();
  if (lower.startsWith('google.vertex') || lower.startsWith('google-vertex')) return 'gcp.vertex_ai';
  const dot = lower.indexOf('.');
  return canonicalProvider(dot === -1 ? lower : lower.slice(0, dot));
}

/** Model-name prefixes of first-party models, used only when nothing names a provider (§9 rule 5.7). */
const MODEL_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['gpt-', 'openai'],
  ['chatgpt-', 'openai'],
  ['o1', 'openai'],
  ['o3', 'openai'],
  ['o4', 'openai'],
  ['text-embedding-', 'openai'],
  ['claude-', 'anthropic'],
  ['gemini-', 'gcp.gemini'],
  ['mistral-', 'mistral_ai'],
  ['grok-', 'x_ai'],
  ['deepseek-', 'deepseek'],
  ['command-', 'cohere'],
];

export function providerFromModel(model: string): string {
  const lower = model.toLowerCase();
  for (const [prefix, provider] of MODEL_PREFIXES) {
    if (lower.startsWith(prefix)) return provider;
  }
  return '';
}
