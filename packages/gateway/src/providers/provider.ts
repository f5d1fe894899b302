import type { Attributes } from '@opentelemetry/api';
import type { GenAiResponse, StreamReader } from '@tokenledger/otel';
import type { ProviderName } from '../config/gateway-config.js';

/** A call the gateway meters: what the span says before the call, and how to read the answer. */
export interface MeteredCall {
  operation: 'chat' | 'embeddings' | 'generate_content';
  model: string | undefined;
  stream: boolean;
  /** The body sent upstream: the caller's bytes, unless a field had to be added (include_usage). */
  body: Uint8Array;
  /** The largest output the request allows (max_tokens...), for the cost reserved before the call. */
  maxOutputTokens: number | undefined;
  /** Provider-specific request attributes, as the SDK wrappers set them. */
  extra: Attributes;
  readResult(json: unknown): GenAiResponse;
  /** A fresh reader per stream; it returns false for an event the caller must not see. */
  readStream(): StreamReader;
  /** The gateway added `include_usage`: the usage chunk it brings is not shown to the caller. */
  hideUsage: boolean;
}

/** Header names in lower case, as node:http gives and takes them. */
export type HeaderRecord = Record<string, string | string[] | undefined>;

export interface UpstreamRequest {
  headers: HeaderRecord;
  url: URL;
}

/** What differs between the three providers' HTTP APIs, and nothing else. */
export interface ProviderAdapter {
  name: ProviderName;
  /** `gen_ai.provider.name` of its spans. */
  genAiProvider: string;
  /** The route prefix the gateway serves it under; `/openai/v1/X` goes to `<base_url>/X`. */
  prefix: string;
  /** The metered call at `path` (below the prefix), or undefined: passed through unmetered. */
  plan(method: string, path: string, body: Uint8Array): MeteredCall | undefined;
  /** The key the caller sent, wherever this provider's SDK puts it. */
  presentedKey(req: UpstreamRequest): string | undefined;
  /** Removes the caller's key and puts `key` where the provider reads it. */
  setKey(req: UpstreamRequest, key: string): void;
  /** An error body in this provider's own shape, with the gateway's `type` and message. */
  errorBody(type: string, message: string, status: number): unknown;
}

export function parseJsonObject(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const int = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);

/** One header's value; a repeated header is taken as node:http joins it. */
export function header(headers: HeaderRecord, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function bearer(headers: HeaderRecord): string | undefined {
  const value = header(headers, 'authorization');
  const match = value === undefined ? null : /^Bearer\s+(.+)$/i.exec(value);
  return match?.[1]?.trim();
}
