import type { Attributes } from '@opentelemetry/api';
import type { CallPlan } from './call-runner.js';
import { serverFromUrl, type GenAiRequest, type ServerAddress } from './genai-span.js';
import { at, makeRuntime, patchMethod, str, wrapWith, type InstrumentOptions, type PreparedCall } from './patch-method.js';
import {
  chatStreamReader,
  readChatCompletion,
  readEmbeddings,
  readResponse,
  responsesStreamReader,
} from './openai-read.js';

type Body = Record<string, unknown>;

function request(provider: string, server: ServerAddress | undefined, operation: GenAiRequest['operation'], body: Body): GenAiRequest {
  const extra: Attributes = {};
  const tier = str(body.service_tier);
  if (tier !== undefined && provider === 'openai') extra['openai.request.service_tier'] = tier;
  return { provider, operation, model: str(body.model), stream: body.stream === true, server, extra };
}

/**
 * Adds `stream_options.include_usage` when the caller did not ask for it: without it OpenAI sends
 * no usage on chat streams and the call would be unmetered. Returns the body to send (a copy;
 * the caller's object is never changed) and whether the usage chunk must be hidden.
 */
function withStreamUsage(body: Body): [Body, boolean] {
  if (body.stream !== true || at(body, 'stream_options', 'include_usage') === true) return [body, false];
  const options = (typeof body.stream_options === 'object' && body.stream_options) || {};
  return [{ ...body, stream_options: { ...options, include_usage: true } }, true];
}

function bodyOf(args: unknown[]): Body | undefined {
  const body = args[0];
  return typeof body === 'object' && body !== null ? (body as Body) : undefined;
}

/**
 * Instruments one OpenAI client (the `openai` npm package, or any object of the same shape):
 * chat.completions.create, responses.create and embeddings.create, plain and streamed.
 * Returns the same client, patched; other clients are untouched.
 */
export function instrumentOpenAI<T extends object>(client: T, options: InstrumentOptions = {}): T {
  const runtime = makeRuntime(options);
  const provider = options.providerName ?? 'openai';
  const server = serverFromUrl(at(client, 'baseURL'));

  const chat = (args: unknown[]): PreparedCall | undefined => {
    const body = bodyOf(args);
    if (body === undefined) return undefined;
    const [sent, hideUsage] = withStreamUsage(body);
    const plan: CallPlan = {
      request: request(provider, server, 'chat', sent),
      readResult: readChatCompletion,
      readStream: () => chatStreamReader(hideUsage),
    };
    return { plan, args: sent === body ? args : [sent, ...args.slice(1)] };
  };
  const responses = (args: unknown[]): PreparedCall | undefined => {
    const body = bodyOf(args);
    if (body === undefined) return undefined;
    const plan = { request: request(provider, server, 'chat', body), readResult: readResponse, readStream: responsesStreamReader };
    return { plan, args };
  };
  const embeddings = (args: unknown[]): PreparedCall | undefined => {
    const body = bodyOf(args);
    if (body === undefined) return undefined;
    return { plan: { request: request(provider, server, 'embeddings', body), readResult: readEmbeddings }, args };
  };

  patchMethod(at(client, 'chat', 'completions'), 'create', wrapWith(runtime, chat));
  patchMethod(at(client, 'responses'), 'create', wrapWith(runtime, responses));
  patchMethod(at(client, 'embeddings'), 'create', wrapWith(runtime, embeddings));
  return client;
}
