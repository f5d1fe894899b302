/**
 * The host that served a call sets its price (Claude on Bedrock is billed from Bedrock's list), and
 * producers often name the client library instead: @opentelemetry/instrumentation-openai reports
 * `openai` for Azure and every OpenAI-compatible endpoint (reference §2), and `gcp.gen_ai` means
 * "some Google endpoint" (§1.3). `server.address` is the only honest witness (§9 rule 5.6).
 */
const EXACT_HOSTS: ReadonlyMap<string, string> = new Map([
  ['api.openai.com', 'openai'],
  ['api.anthropic.com', 'anthropic'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['aiplatform.googleapis.com', 'gcp.vertex_ai'],
  ['api.mistral.ai', 'mistral_ai'],
  ['api.deepseek.com', 'deepseek'],
  ['api.x.ai', 'x_ai'],
  ['api.groq.com', 'groq'],
  ['api.cohere.com', 'cohere'],
  ['api.cohere.ai', 'cohere'],
]);

/** Hosts with a resource or region label in front: `myres.openai.azure.com`, `us-east5-aiplatform.googleapis.com`. */
const SUFFIX_HOSTS: ReadonlyArray<readonly [string, string]> = [
  ['.openai.azure.com', 'azure.ai.openai'],
  ['.cognitiveservices.azure.com', 'azure.ai.openai'],
  ['.services.ai.azure.com', 'azure.ai.openai'],
  ['-aiplatform.googleapis.com', 'gcp.vertex_ai'],
];

/** `bedrock-runtime.<region>.amazonaws.com` and its FIPS twin `bedrock-runtime-fips.<region>...`. */
const BEDROCK_PREFIX = 'bedrock-runtime';
const AWS_SUFFIX = '.amazonaws.com';

/** The canonical hosting provider for a `server.address`, or '' when the host is not a known one. */
export function providerFromServerAddress(address: string): string {
  if (address === '') return '';
  const host = address.toLowerCase();
  const exact = EXACT_HOSTS.get(host);
  if (exact !== undefined) return exact;
  for (const [suffix, provider] of SUFFIX_HOSTS) {
    if (host.endsWith(suffix)) return provider;
  }
  if (host.startsWith(BEDROCK_PREFIX) && host.endsWith(AWS_SUFFIX)) return 'aws.bedrock';
  return '';
}
