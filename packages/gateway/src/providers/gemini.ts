import { generateContentStreamReader, readGenerateContent } from '@tokenledger/otel';
import { header, int, parseJsonObject, type ProviderAdapter } from './provider.js';

const ROUTE = /^\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** google.rpc.Code names for the statuses the gateway itself answers with. */
const RPC_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 429: 'RESOURCE_EXHAUSTED', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE' };

export const geminiAdapter: ProviderAdapter = {
  name: 'gemini',
  genAiProvider: 'gcp.gemini',
  prefix: '/gemini/v1beta',
  plan(method, path, raw) {
    const route = method === 'POST' ? ROUTE.exec(path) : null;
    if (route === null) return undefined;
    const body = parseJsonObject(raw);
    if (body === undefined) return undefined;
    const config = typeof body.generationConfig === 'object' && body.generationConfig !== null ? (body.generationConfig as Record<string, unknown>) : {};
    const stream = route[2] === 'streamGenerateContent';
    return {
      operation: 'generate_content',
      model: decodeURIComponent(route[1]!),
      stream,
      body: raw,
      maxOutputTokens: int(config.maxOutputTokens),
      extra: {},
      readResult: readGenerateContent,
      readStream: generateContentStreamReader,
      hideUsage: false,
    };
  },
  presentedKey: (req) => header(req.headers, 'x-goog-api-key') ?? req.url.searchParams.get('key') ?? undefined,
  setKey(req, key) {
    req.url.searchParams.delete('key');
    req.headers['x-goog-api-key'] = key;
  },
  // https://ai.google.dev/gemini-api/docs/troubleshooting: {"error": {code, message, status}}; `type` is the gateway's reason.
  errorBody: (type, message, status) => ({ error: { code: status, message, status: RPC_STATUS[status] ?? 'INTERNAL', type } }),
};
