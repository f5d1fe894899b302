import { messageStreamReader, readMessage } from '@tokenledger/otel';
import { bearer, header, int, parseJsonObject, str, type ProviderAdapter } from './provider.js';

export const anthropicAdapter: ProviderAdapter = {
  name: 'anthropic',
  genAiProvider: 'anthropic',
  prefix: '/anthropic/v1',
  plan(method, path, raw) {
    if (method !== 'POST' || path !== '/messages') return undefined;
    const body = parseJsonObject(raw);
    if (body === undefined) return undefined;
    return {
      operation: 'chat',
      model: str(body.model),
      stream: body.stream === true,
      body: raw,
      maxOutputTokens: int(body.max_tokens),
      extra: {},
      readResult: readMessage,
      readStream: messageStreamReader,
      hideUsage: false,
    };
  },
  presentedKey: (req) => header(req.headers, 'x-api-key') ?? bearer(req.headers),
  setKey(req, key) {
    delete req.headers.authorization;
    req.headers['x-api-key'] = key;
  },
  // https://docs.anthropic.com/en/api/errors: {"type": "error", "error": {type, message}}
  errorBody: (type, message) => ({ type: 'error', error: { type, message } }),
};
