/**
 * AI SDK v4/v5 spans hide some cache counts in the `ai.response.providerMetadata` JSON string:
 * Anthropic cache writes exist nowhere else, and v4 reports OpenAI cache reads only there
 * (reference §5.1, §9 rule 7). Parsed only when a cache field is still missing and the text
 * mentions a cache at all, so most spans never pay for JSON.parse.
 */
import type { Attributes } from '../../otlp/decoded-span.js';
import type { TokenReader } from '../attribute-values.js';
import type { RawTokens } from '../build-usage.js';

const METADATA_KEY = 'ai.response.providerMetadata';

type Json = Record<string, unknown>;

function objectAt(root: unknown, ...path: string[]): Json | undefined {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, key) ? (node as Json)[key] : undefined;
  }
  return typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Json) : undefined;
}

function numberAt(reader: TokenReader, object: Json | undefined, key: string, label: string): number | undefined {
  if (object === undefined || !Object.hasOwn(object, key)) return undefined;
  const value = object[key];
  return value === null ? undefined : reader.parse(`${METADATA_KEY} ${label}`, value);
}

/** Fills `tokens.cacheRead` / `cacheWrite` / `cacheWrite1h` from provider metadata where still unset. */
export function addMetadataCacheTokens(attributes: Attributes, reader: TokenReader, tokens: RawTokens): void {
  if (tokens.cacheRead !== undefined && tokens.cacheWrite !== undefined) return;
  const text = attributes[METADATA_KEY];
  if (typeof text !== 'string' || !text.includes('ache')) return;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return; // advisory detail only: a broken blob leaves the attribute counts as they are
  }
  const openai = objectAt(root, 'openai');
  const anthropic = objectAt(root, 'anthropic');
  const anthropicUsage = objectAt(root, 'anthropic', 'usage');
  const bedrockUsage = objectAt(root, 'bedrock', 'usage');
  tokens.cacheRead ??=
    numberAt(reader, openai, 'cachedPromptTokens', 'openai.cachedPromptTokens') ??
    numberAt(reader, anthropicUsage, 'cache_read_input_tokens', 'anthropic.usage.cache_read_input_tokens') ??
    numberAt(reader, bedrockUsage, 'cacheReadInputTokens', 'bedrock.usage.cacheReadInputTokens');
  if (tokens.cacheWrite !== undefined) return;
  const written =
    numberAt(reader, anthropic, 'cacheCreationInputTokens', 'anthropic.cacheCreationInputTokens') ??
    numberAt(reader, anthropicUsage, 'cache_creation_input_tokens', 'anthropic.usage.cache_creation_input_tokens') ??
    numberAt(reader, bedrockUsage, 'cacheWriteInputTokens', 'bedrock.usage.cacheWriteInputTokens');
  // Anthropic splits writes by lifetime; the 1-hour ones are priced higher (usage.ts cacheWrite1hTokens).
  const split = objectAt(anthropicUsage, 'cache_creation');
  const oneHour = numberAt(reader, split, 'ephemeral_1h_input_tokens', 'anthropic.usage.cache_creation.ephemeral_1h_input_tokens');
  if (written !== undefined && oneHour !== undefined && oneHour > 0 && oneHour <= written) {
    tokens.cacheWrite = written - oneHour;
    tokens.cacheWrite1h = oneHour;
  } else {
    tokens.cacheWrite = written;
  }
}
