import type { Attributes } from '@opentelemetry/api';
import { chatStreamReader, readChatCompletion, readEmbeddings, readResponse, responsesStreamReader } from '@tokenledger/otel';
import { bearer, int, parseJsonObject, str, type MeteredCall, type ProviderAdapter } from './provider.js';

const noReader = () => ({ onChunk: () => true, result: () => ({}) });

function extra(body: Record<string, unknown>): Attributes {
  const tier = str(body.service_tier);
  return tier === undefined ? {} : { 'openai.request.service_tier': tier };
}

const INCLUDE_USAGE = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * The body with `stream_options.include_usage` set. Without `stream_options` the field is spliced
 * in after the opening brace (the body parsed as a non-empty object, so only whitespace precedes
 * it and a member follows): the caller's bytes go upstream as written, not re-serialised.
 */
function withIncludeUsage(raw: Uint8Array, body: Record<string, unknown>, options: Record<string, unknown>): Uint8Array {
  if (!('stream_options' in body)) {
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const open = bytes.indexOf(0x7b) + 1;
    return Buffer.concat([bytes.subarray(0, open), INCLUDE_USAGE, bytes.subarray(open)]);
  }
  return Buffer.from(JSON.stringify({ ...body, stream_options: { ...options, include_usage: true } }));
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
  const sent = hide ? withIncludeUsage(raw, body, options) : raw;
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
    req.headers.authorization = `Bearer ${key}`;
  },
  // https://platform.openai.com/docs/guides/error-codes: {"error": {message, type, param, code}}
  errorBody: (type, message) => ({ error: { message, type, param: null, code: type } }),
};
