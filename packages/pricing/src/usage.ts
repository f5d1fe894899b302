import { z } from 'zod';

/**
 * One normalized usage record for every provider. The buckets never overlap in the sense that
 * matters for billing: `inputTokens` is the whole prompt, and `cachedInputTokens` and
 * `cacheWriteTokens` say how many of those input tokens were cache reads and cache writes.
 * `outputTokens` includes `reasoningTokens`. (OTel GenAI and OpenAI count this way; Anthropic
 * reports input without cache tokens, so its input is the sum of the three.)
 */
export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  /** Cache writes with the default (5-minute) lifetime. */
  cacheWriteTokens: z.number().int().nonnegative(),
  /** Cache writes with Anthropic's 1-hour lifetime; also counted in `inputTokens`, never in `cacheWriteTokens`. */
  cacheWrite1hTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
});

export type Usage = z.infer<typeof usageSchema>;

export const emptyUsage: Usage = Object.freeze({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});

/**
 * Hosting providers, named by the OTel GenAI `gen_ai.provider.name` well-known values: the
 * host sets the price (Claude on Bedrock is priced from Bedrock's list).
 */
export const providerIds = [
  'openai',
  'azure.ai.openai',
  'anthropic',
  'aws.bedrock',
  'gcp.gemini',
  'gcp.vertex_ai',
  'mistral_ai',
  'deepseek',
  'x_ai',
  'cohere',
  'groq',
] as const;

export type ProviderId = (typeof providerIds)[number];
