import type { ProviderName } from '../config/gateway-config.js';
import { anthropicAdapter } from './anthropic.js';
import { geminiAdapter } from './gemini.js';
import { openAiAdapter } from './openai.js';
import type { ProviderAdapter } from './provider.js';

export const adapters: Record<ProviderName, ProviderAdapter> = { openai: openAiAdapter, anthropic: anthropicAdapter, gemini: geminiAdapter };
export { header } from './provider.js';
export type { HeaderRecord, MeteredCall, ProviderAdapter, UpstreamRequest } from './provider.js';
