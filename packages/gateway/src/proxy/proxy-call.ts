import type { Span, Tracer } from '@opentelemetry/api';
import type { GenAiResponse } from '@tokenledger/otel';
import type { Pricer } from '@tokenledger/pricing';
import { readAttribution, type CallAttribution } from '../attribution/metering-tags.js';
import type { VirtualKey, VirtualKeys } from '../auth/virtual-keys.js';
import { costNanos, estimatedUsage, usageOf } from '../caps/call-cost.js';
import type { CapGuard } from '../caps/cap-guard.js';
import type { UnstoredSpend } from '../caps/unstored-spend.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GatewayError } from '../errors.js';
import type { GatewayMetrics } from '../http/gateway-metrics.js';
import type { MeteredCall, ProviderAdapter } from '../providers/index.js';
import { endCallSpan, startCallSpan } from './call-span.js';
import { meterStream, type StreamEnd } from './metered-stream.js';
import { responseHeaders, upstreamHeaders } from './upstream-headers.js';

export interface ProxyDeps {
  config: GatewayConfig;
  keys: VirtualKeys;
  guard: CapGuard;
  unstored: UnstoredSpend;
  pricer: Pricer;
  tracer: Tracer;
  metrics: GatewayMetrics;
  /** Counts a call in flight until its response body is done (graceful shutdown waits for these). */
  track(): () => void;
  /** True once a shutdown began: new calls are refused with 503 while the running ones finish. */
  stopping(): boolean;
}

/** Who the call is for: the virtual key fixes the client; a header naming another client is ignored. */
function identify(deps: ProxyDeps, adapter: ProviderAdapter, request: Request, url: URL): { attribution: CallAttribution; key: VirtualKey | undefined } {
  const attribution = readAttribution((name) => request.headers.get(name));
  if (deps.keys.passThrough) return { attribution, key: undefined };
  const presented = adapter.presentedKey({ headers: request.headers, url });
  const key = presented === undefined ? undefined : deps.keys.find(presented);
  if (key === undefined) throw new GatewayError('unknown_key', presented === undefined ? 'no API key sent: send your gateway key where the SDK puts its API key' : 'unknown API key', 401);
  return { attribution: { ...attribution, client: key.client }, key };
}

function upstreamUrl(deps: ProxyDeps, adapter: ProviderAdapter, url: URL): URL {
  const target = new URL(deps.config.upstreams[adapter.name] + url.pathname.slice(adapter.prefix.length));
  target.search = url.search;
  return target;
}

/** Builds what goes upstream: the caller's request, its key swapped for ours in virtual-key mode. */
function upstreamRequest(deps: ProxyDeps, adapter: ProviderAdapter, request: Request, target: URL, key: VirtualKey | undefined) {
  const headers = upstreamHeaders(request.headers);
  if (key !== undefined) {
    const real = deps.config.providerKeys[adapter.name];
    if (real === undefined) throw new GatewayError('config', `the gateway has no ${adapter.name} key configured`, 500);
    adapter.setKey({ headers, url: target }, real);
  }
  return headers;
}

class CallOutcome {
  private done = false;

  constructor(
    private readonly deps: ProxyDeps,
    private readonly adapter: ProviderAdapter,
    private readonly call: MeteredCall,
    private readonly span: Span,
    private readonly client: string | undefined,
  ) {}

  /** Ends the span with what was read and replaces the reserved estimate by the real cost. */
  finish(status: number, response: GenAiResponse, error?: string): void {
    if (this.done) return;
    this.done = true;
    const id = this.span.spanContext().spanId;
    // Reserved calls only: a client's, or one held by a scoped budget (caps/scoped-caps.ts).
    if (this.deps.unstored.holds(id)) {
      const usage = response.usage;
      const at = new Date();
      const cost = usage === undefined ? 0n : costNanos(this.deps.pricer, { provider: this.adapter.genAiProvider, models: [response.model, this.call.model], usage: usageOf(usage), at, client: this.client });
      this.deps.unstored.settle(id, cost);
    }
    endCallSpan(this.span, this.adapter.genAiProvider, status, response, error);
  }
}

async function send(target: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(target, init);
  } catch (error) {
    if ((init.signal as AbortSignal | undefined)?.aborted) throw error;
    // Only the host: the URL may carry a caller's ?key= in pass-through mode.
    throw new GatewayError('upstream_unreachable', `cannot reach the upstream at ${target.host}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`, 502);
  }
}

/** Forwards one call; metered calls are admitted by the caps first and produce one span. */
export async function proxyCall(deps: ProxyDeps, adapter: ProviderAdapter, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const { attribution, key } = identify(deps, adapter, request, url);
  const raw = request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer());
  const call = raw === undefined ? undefined : adapter.plan(request.method, url.pathname.slice(adapter.prefix.length), raw);
  const target = upstreamUrl(deps, adapter, url);
  const headers = upstreamRequest(deps, adapter, request, target, key);
  const init: RequestInit = { method: request.method, headers, signal: request.signal, redirect: 'manual' };
  if (call === undefined) {
    if (raw !== undefined) init.body = raw;
    const release = deps.track();
    const response = await send(target, init).catch((e: unknown) => {
      release();
      throw e;
    });
    return new Response(response.body === null ? null : watch(response.body, release), { status: response.status, headers: responseHeaders(response.headers) });
  }
  const span = startCallSpan(deps.tracer, adapter, call, attribution, target);
  const estimate = costNanos(deps.pricer, { provider: adapter.genAiProvider, models: [call.model], usage: estimatedUsage(raw!.byteLength, call.maxOutputTokens), at: new Date(), client: attribution.client });
  await deps.guard.admit({ id: span.spanContext().spanId, client: attribution.client, project: attribution.project, feature: attribution.feature, key, estimateNanos: estimate });
  init.body = call.body;
  const outcome = new CallOutcome(deps, adapter, call, span, attribution.client);
  const release = deps.track();
  const started = performance.now();
  let response: Response;
  try {
    response = await send(target, init);
  } catch (error) {
    outcome.finish(502, {}, error instanceof GatewayError ? 'upstream_unreachable' : 'client_disconnected');
    release();
    throw error;
  }
  deps.metrics.upstreamSeconds.observe({ provider: adapter.name }, (performance.now() - started) / 1000);
  return meteredResponse(response, call, outcome, release);
}

async function meteredResponse(response: Response, call: MeteredCall, outcome: CallOutcome, release: () => void): Promise<Response> {
  const headers = responseHeaders(response.headers);
  const sse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  if (response.ok && response.body !== null && (call.stream || sse)) {
    const reader = call.readStream();
    const body = meterStream(response.body, {
      reader,
      filter: sse && call.hideUsage,
      sse,
      onEnd(end: StreamEnd) {
        outcome.finish(response.status, reader.result(), end === 'complete' ? undefined : end === 'aborted' ? 'client_disconnected' : 'stream_failed');
        release();
      },
    });
    return new Response(body, { status: response.status, headers });
  }
  try {
    const bytes = new Uint8Array(await response.arrayBuffer());
    outcome.finish(response.status, response.ok ? readJson(call, bytes) : {});
    return new Response(bytes, { status: response.status, headers });
  } catch (error) {
    outcome.finish(response.status, {}, 'client_disconnected');
    throw error;
  } finally {
    release();
  }
}

function readJson(call: MeteredCall, bytes: Uint8Array): GenAiResponse {
  try {
    return call.readResult(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')));
  } catch {
    return {};
  }
}

/** Passes an unmetered body through, calling `release` once it is done or abandoned. */
function watch(body: ReadableStream<Uint8Array>, release: () => void): ReadableStream<Uint8Array> {
  let released = false;
  const once = () => {
    if (released) return;
    released = true;
    release();
  };
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await reader.read();
          if (next.done) {
            once();
            controller.close();
          } else controller.enqueue(next.value);
        } catch (error) {
          once();
          controller.error(error);
        }
      },
      cancel(reason) {
        once();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
