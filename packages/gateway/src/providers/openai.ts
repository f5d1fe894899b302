import type { Attributes } from '@opentelemetry/api';
import { chatStreamReader, readChatCompletion, readEmbeddings, readResponse, responsesStreamReader } from '@tokenledger/otel';
import { bearer, int, parseJsonObject, str, type MeteredCall, type ProviderAdapter } from './provider.js';

const noReader = () => ({ onChunk: () => true, result: () => ({}) });

function extra(body: Record<string, unknown>): Attributes {
  const tier = str(body.service_tier);
  return tier === undefined ? {} : { 'openai.request.service_tier': tier };
}

/**
 * A streamed chat completion reports usage only with `stream_options.include_usage`; the gateway
 * asks for it, and hides the extra chunk (and the `usage: null` it adds to the others) from a
 * caller that did not ask.
 */
function chat(raw: Uint8Array, body: Record<string, unknown>): MeteredCall {
  const stream = body.stream === true;
  const options = typeof body.stream_options === 'object' && body.stream_options !== null ? (body.stream_options as Record<string, unknown>) : {};
  const hide = stream && options.include_usage !== true;
  const sent = hide ? new TextEncoder().encode(JSON.stringify({ ...body, stream_options: { ...options, include_usage: true } })) : raw;
  return {
    operation: 'chat',
    model: str(body.model),
    stream,
    body: sent,
    maxOutputTokens: int(body.max_completion_tokens) ?? int(body.max_tokens),
    extra: extra(body),
    readResult: readChatCompletion,
    readStream: () => chatStreamReader(hide),
    hideUsage: hide,
  };
}

export const openAiAdapter: ProviderAdapter = {
  name: 'openai',
  genAiProvider: 'openai',
  prefix: '/openai/v1',
  plan(method, path, raw) {
    if (method !== 'POST') return undefined;
    const body = parseJsonObject(raw);
    if (body === undefined) return undefined;
    if (path === '/chat/completions') return chat(raw, body);
    const common = { model: str(body.model), body: raw, extra: extra(body), hideUsage: false };
    if (path === '/responses') {
      return { ...common, operation: 'chat', stream: body.stream === true, maxOutputTokens: int(body.max_output_tokens), readResult: readResponse, readStream: responsesStreamReader };
    }
    if (path === '/embeddings') {
      return { ...common, operation: 'embeddings', stream: false, maxOutputTokens: 0, readResult: readEmbeddings, readStream: noReader };
    }
    return undefined;
  },
  presentedKey: (req) => bearer(req.headers),
  setKey(req, key) {
    req.headers.set('authorization', `Bearer ${key}`);
  },
  // https://platform.openai.com/docs/guides/error-codes: {"error": {message, type, param, code}}
  errorBody: (type, message) => ({ error: { message, type, param: null, code: type } }),
};
