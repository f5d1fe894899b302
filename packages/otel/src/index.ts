// @tokenledger/otel: the public surface. Everything an app imports comes from here.
export { register, type RegisterOptions, type TokenLedgerShutdown } from './setup/register.js';
export type { ExporterOptions } from './setup/otlp-exporter.js';
export {
  TokenLedgerSpanProcessor,
  isGenAiSpan,
  type TokenLedgerSpanProcessorOptions,
} from './attribution/span-processor.js';
export {
  withAttribution,
  getAttribution,
  trustBaggageClient,
  contextWithAttribution,
  mergeAttribution,
  attributionToAttributes,
  type Attribution,
  type Unit,
} from './attribution/attribution.js';
export { ATTR_CLIENT_ID, ATTR_PROJECT, ATTR_FEATURE, ATTR_UNIT_KIND, ATTR_UNIT_ID, ATTR_TAG_PREFIX } from './attribution/keys.js';
export { honoAttribution, expressAttribution, type HonoLikeContext, type NodeLikeRequest } from './attribution/middleware.js';
export type { AttributionFrom, ValueFrom } from './attribution/request-values.js';
export { instrumentOpenAI } from './instrument/openai.js';
export { instrumentAnthropic } from './instrument/anthropic.js';
export { instrumentGoogleGenAI } from './instrument/google-genai.js';
export { TRACER_NAME, type InstrumentOptions } from './instrument/patch-method.js';
export {
  createBudgetGuard,
  checkBudget,
  type BudgetGuard,
  type BudgetGuardOptions,
  type BudgetCall,
} from './budget/budget-guard.js';
export type { BudgetStatus } from './budget/budget-status.js';
export type { BudgetEndpoint } from './budget/fetch-budget.js';
export { fetchScopedCaps, capsFor, capRefuses, scopeHolds, type ScopedCap, type CallScope } from './budget/scoped-caps.js';
export {
  TokenLedgerOtelError,
  BudgetExceededError,
  BudgetUnavailableError,
  type BudgetFigures,
} from './errors.js';
// Provider response readers and the span keys they fill, shared with @tokenledger/gateway so a
// call metered at the proxy is read exactly as the SDK wrappers read it.
export { readChatCompletion, readResponse, readEmbeddings, chatStreamReader, responsesStreamReader } from './instrument/openai-read.js';
export { readMessage, messageStreamReader } from './instrument/anthropic-read.js';
export { readGenerateContent, generateContentStreamReader } from './instrument/google-genai-read.js';
export { setResponseAttributes, type GenAiResponse, type GenAiUsage } from './instrument/genai-span.js';
export type { StreamReader } from './instrument/call-runner.js';
