import { serverFromUrl } from './genai-span.js';
import { readMessage, messageStreamReader } from './anthropic-read.js';
import { at, makeRuntime, patchMethod, str, wrapWith, type InstrumentOptions, type PreparedCall } from './patch-method.js';

/**
 * Instruments one Anthropic client (`@anthropic-ai/sdk`, or the same shape): messages.create,
 * plain and streamed. `messages.stream()` goes through `this.create(…, stream: true)` inside the
 * SDK, so it is covered by the same span. Returns the same client, patched.
 */
export function instrumentAnthropic<T extends object>(client: T, options: InstrumentOptions = {}): T {
  const runtime = makeRuntime(options);
  const provider = options.providerName ?? 'anthropic';
  const server = serverFromUrl(at(client, 'baseURL'));

  const create = (args: unknown[]): PreparedCall | undefined => {
    const body = args[0];
    if (typeof body !== 'object' || body === null) return undefined;
    const b = body as Record<string, unknown>;
    const request = { provider, operation: 'chat' as const, model: str(b.model), stream: b.stream === true, server };
    return { plan: { request, readResult: readMessage, readStream: messageStreamReader }, args };
  };

  patchMethod(at(client, 'messages'), 'create', wrapWith(runtime, create));
  return client;
}
