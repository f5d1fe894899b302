import type { CallPlan } from './call-runner.js';
import { serverFromUrl, type ServerAddress } from './genai-span.js';
import { generateContentStreamReader, readGenerateContent } from './google-genai-read.js';
import { at, makeRuntime, patchMethod, str, wrapWith, type InstrumentOptions, type PreparedCall } from './patch-method.js';

function baseUrl(client: object): unknown {
  const apiClient = at(client, 'apiClient') as { getBaseUrl?: () => unknown } | undefined;
  try {
    return typeof apiClient?.getBaseUrl === 'function' ? apiClient.getBaseUrl() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Instruments one `@google/genai` client: models.generateContent and
 * models.generateContentStream. Provider is gcp.vertex_ai for a Vertex client, else gcp.gemini
 * (the OTel well-known values). Returns the same client, patched.
 */
export function instrumentGoogleGenAI<T extends object>(client: T, options: InstrumentOptions = {}): T {
  const runtime = makeRuntime(options);
  const provider = options.providerName ?? (at(client, 'vertexai') === true ? 'gcp.vertex_ai' : 'gcp.gemini');
  const server: ServerAddress | undefined = serverFromUrl(baseUrl(client));

  const prepare = (stream: boolean) => (args: unknown[]): PreparedCall | undefined => {
    const params = args[0];
    if (typeof params !== 'object' || params === null) return undefined;
    const model = str((params as Record<string, unknown>).model);
    const plan: CallPlan = {
      request: { provider, operation: 'generate_content', model, stream, server },
      readResult: readGenerateContent,
      readStream: generateContentStreamReader,
    };
    return { plan, args };
  };

  const models = at(client, 'models');
  patchMethod(models, 'generateContent', wrapWith(runtime, prepare(false)));
  patchMethod(models, 'generateContentStream', wrapWith(runtime, prepare(true)));
  return client;
}
