/**
 * The official @opentelemetry/instrumentation-openai (reference §2): one CLIENT span per call, Chat
 * Completions and Embeddings still on the legacy `gen_ai.system`, the Responses API on
 * `gen_ai.provider.name`. Input is OpenAI's `prompt_tokens`/`input_tokens`, cache-inclusive, but
 * the cached part is never reported, so cachedInputTokens is 0 and the whole prompt is billed at the
 * uncached rate. It reports `openai` even for Azure and compatible hosts; `server.address` corrects
 * that in finishCall. A stream read without `include_usage` carries no usage: unmetered.
 */
import type { DialectRule } from '../dialect-rule.js';
import { extractGenAi } from './otel-genai.js';

const SCOPE = '@opentelemetry/instrumentation-openai';

export const otelOpenAiContribDialect: DialectRule = {
  name: 'otel-openai-contrib',
  byScope: (span) => span.scope.name === SCOPE,
  byAttributes: () => false,
  extract: (span) => extractGenAi(span),
};
