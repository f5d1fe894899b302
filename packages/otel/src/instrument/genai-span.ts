import { SpanKind, SpanStatusCode, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { attributionToAttributes, getAttribution } from '../attribution/attribution.js';

/** What we know before the call. Keys: OTel GenAI semantic conventions (client-inference.md). */
export interface GenAiRequest {
  provider: string;
  operation: 'chat' | 'embeddings' | 'generate_content';
  model: string | undefined;
  stream: boolean;
  server: ServerAddress | undefined;
  /** Provider-specific request attributes, e.g. openai.request.service_tier. */
  extra?: Attributes;
}

export interface ServerAddress {
  address: string;
  port: number;
}

/**
 * Token counts with OTel meaning: `input` includes cache reads and writes, `output` includes
 * reasoning. Undefined = the provider did not report it (never invent a zero).
 */
export interface GenAiUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Anthropic splits cache writes by lifetime; both are part of `cacheWrite`. */
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  reasoning?: number;
}

export interface GenAiResponse {
  id?: string;
  model?: string;
  serviceTier?: string;
  usage?: GenAiUsage;
}

export function startGenAiSpan(tracer: Tracer, request: GenAiRequest, ctx: Context): Span {
  const attributes: Attributes = {
    'gen_ai.provider.name': request.provider,
    'gen_ai.operation.name': request.operation,
    ...attributionToAttributes(getAttribution(ctx)),
    ...request.extra,
  };
  if (request.model !== undefined) attributes['gen_ai.request.model'] = request.model;
  // Spec: "gen_ai.request.stream: if and only if the request is streaming".
  if (request.stream) attributes['gen_ai.request.stream'] = true;
  if (request.server !== undefined) {
    attributes['server.address'] = request.server.address;
    attributes['server.port'] = request.server.port;
  }
  const name = request.model === undefined ? request.operation : `${request.operation} ${request.model}`;
  return tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, ctx);
}

const USAGE_KEYS: [keyof GenAiUsage, string][] = [
  ['input', 'gen_ai.usage.input_tokens'],
  ['output', 'gen_ai.usage.output_tokens'],
  ['cacheRead', 'gen_ai.usage.cache_read.input_tokens'],
  // The current name; `cache_creation.input_tokens` is the deprecated one (genai repo PR #440).
  ['cacheWrite', 'gen_ai.usage.cache_write.input_tokens'],
  // Same keys as the Anthropic SDK's own spans use for the lifetime split.
  ['cacheWrite5m', 'anthropic.usage.cache_creation.ephemeral_5m_input_tokens'],
  ['cacheWrite1h', 'anthropic.usage.cache_creation.ephemeral_1h_input_tokens'],
  ['reasoning', 'gen_ai.usage.reasoning.output_tokens'],
];

export function setResponseAttributes(span: Span, response: GenAiResponse, provider: string): void {
  if (response.id !== undefined) span.setAttribute('gen_ai.response.id', response.id);
  if (response.model !== undefined) span.setAttribute('gen_ai.response.model', response.model);
  if (response.serviceTier !== undefined && provider === 'openai') {
    span.setAttribute('openai.response.service_tier', response.serviceTier);
  }
  const usage = response.usage;
  if (usage === undefined) return;
  for (const [field, key] of USAGE_KEYS) {
    const value = usage[field];
    if (value !== undefined) span.setAttribute(key, value);
  }
}

export function setErrorAttributes(span: Span, error: unknown): void {
  const type = error instanceof Error ? errorTypeName(error) : '_OTHER';
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  if (error instanceof Error) span.recordException(error);
}

/** The class name (`RateLimitError`, `APIConnectionError`…): the vendor SDKs leave `name` as "Error". */
function errorTypeName(error: Error): string {
  const ctorName = error.constructor?.name;
  if (ctorName !== undefined && ctorName !== '' && ctorName !== 'Error') return ctorName;
  return error.name !== '' && error.name !== 'Error' ? error.name : '_OTHER';
}

/** A non-negative integer token count, or undefined for anything else (null, missing, garbage). */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Sum of counts that were reported; undefined when none was. */
export function sum(...values: (number | undefined)[]): number | undefined {
  let total: number | undefined;
  for (const v of values) if (v !== undefined) total = (total ?? 0) + v;
  return total;
}

export function serverFromUrl(url: unknown): ServerAddress | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    const port = parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443;
    return { address: parsed.hostname, port };
  } catch {
    return undefined;
  }
}
