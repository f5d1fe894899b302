import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
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
import { header, type HeaderRecord, type MeteredCall, type ProviderAdapter } from '../providers/index.js';
import { endCallSpan, startCallSpan } from './call-span.js';
import { jsonArrayStream, SseMeter, WholeBodyMeter, type BodyMeter, type StreamEnd } from './metered-stream.js';
import type { UpstreamClient } from './upstream-client.js';
import { isEncoded, responseHeaders, upstreamHeaders } from './upstream-headers.js';

export interface ProxyDeps {
  config: GatewayConfig;
  keys: VirtualKeys;
  guard: CapGuard;
  unstored: UnstoredSpend;
  pricer: Pricer;
  tracer: Tracer;
  metrics: GatewayMetrics;
  upstream: UpstreamClient;
  /** Counts a call in flight until its response body is done (graceful shutdown waits for these). */
  track(): () => void;
  /** True once a shutdown began: new calls are refused with 503 while the running ones finish. */
  stopping(): boolean;
}

/** One call as the HTTP layer hands it over: `url` is the request's, normalised (no `..` segments). */
export interface IncomingCall {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}

const gone = () => new GatewayError('client_disconnected', 'the caller disconnected', 499);

/** Who the call is for: the virtual key fixes the client; a header naming another client is ignored. */
function identify(deps: ProxyDeps, adapter: ProviderAdapter, headers: IncomingHttpHeaders, target: URL): { attribution: CallAttribution; key: VirtualKey | undefined } {
  const attribution = readAttribution((name) => header(headers, name));
  if (deps.keys.passThrough) return { attribution, key: undefined };
  const presented = adapter.presentedKey({ headers, url: target });
  const key = presented === undefined ? undefined : deps.keys.find(presented);
  if (key === undefined) throw new GatewayError('unknown_key', presented === undefined ? 'no API key sent: send your gateway key where the SDK puts its API key' : 'unknown API key', 401);
  return { attribution: { ...attribution, client: key.client }, key };
}

/** What goes upstream: the caller's headers, its key swapped for ours in virtual-key mode. */
function upstreamRequest(deps: ProxyDeps, adapter: ProviderAdapter, incoming: IncomingHttpHeaders, target: URL, key: VirtualKey | undefined): HeaderRecord {
  const headers = upstreamHeaders(incoming);
  if (key !== undefined) {
    const real = deps.config.providerKeys[adapter.name];
    if (real === undefined) throw new GatewayError('config', `the gateway has no ${adapter.name} key configured`, 500);
    adapter.setKey({ headers, url: target }, real);
  }
  return headers;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      size += chunk.length;
    });
    req.once('end', () => resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)));
    req.once('error', () => reject(gone()));
    req.once('close', () => req.complete || reject(gone()));
  });
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
      const cost = usage === undefined ? 0n : costNanos(this.deps.pricer, { provider: this.adapter.genAiProvider, models: [response.model, this.call.model], usage: usageOf(usage), at: new Date(), client: this.client });
      this.deps.unstored.settle(id, cost);
    }
    endCallSpan(this.span, this.adapter.genAiProvider, status, response, error);
  }
}

/** Sends upstream; a caller that goes away before the answer's headers cuts the upstream request. */
async function send(deps: ProxyDeps, call: IncomingCall, target: URL, headers: HeaderRecord, body: Uint8Array | undefined): Promise<IncomingMessage> {
  if (call.req.socket.destroyed) throw gone();
  const upstream = deps.upstream.send(target, call.req.method ?? 'GET', headers, body);
  const abort = () => upstream.abort();
  call.res.once('close', abort);
  try {
    return await upstream.response;
  } finally {
    call.res.off('close', abort);
  }
}

/**
 * Writes upstream's answer to the caller as its chunks arrive: each goes to the caller's socket in
 * the turn it was read, and upstream is paused while the caller's socket is full. `done` runs
 * once, after the last byte was handed over (span and settlement stay off the response path).
 */
function forward(upstream: IncomingMessage, res: ServerResponse, meter: BodyMeter | undefined, done: (end: StreamEnd) => void): void {
  let ended = false;
  const end = (how: StreamEnd) => {
    if (ended) return;
    ended = true;
    done(how);
  };
  res.writeHead(upstream.statusCode ?? 502, responseHeaders(upstream.headers, meter instanceof SseMeter && meter.filter));
  upstream.on('data', (chunk: Buffer) => {
    const out = meter === undefined ? chunk : meter.push(chunk);
    if (out !== undefined && !res.write(out)) upstream.pause();
  });
  res.on('drain', () => upstream.resume());
  upstream.once('end', () => {
    res.end(meter?.end());
    end('complete');
  });
  // An upstream that fails mid-body: the caller's response is cut too, as upstream cut its own.
  upstream.on('error', () => undefined);
  upstream.once('close', () => {
    if (upstream.complete) return;
    end('failed');
    res.destroy();
  });
  res.once('close', () => {
    if (ended) return;
    end('aborted');
    upstream.destroy();
  });
}

/** How the answer of a metered call is read, and what was read once it ended. */
function meterFor(call: MeteredCall, upstream: IncomingMessage): { meter: BodyMeter | undefined; result: () => GenAiResponse } {
  const status = upstream.statusCode ?? 502;
  // Error bodies are passed on unread; so is a body compressed despite our identity request.
  if (status < 200 || status >= 300 || isEncoded(upstream.headers)) return { meter: undefined, result: () => ({}) };
  const sse = (upstream.headers['content-type'] ?? '').includes('text/event-stream');
  if (call.stream || sse) {
    const reader = call.readStream();
    return { meter: sse ? new SseMeter(reader, call.hideUsage) : jsonArrayStream(reader), result: () => reader.result() };
  }
  let read: GenAiResponse = {};
  const meter = new WholeBodyMeter((json) => {
    try {
      read = call.readResult(json);
    } catch {
      // An answer we cannot read has no usage: its span says so and the receiver counts the call
      // as unmetered (never as $0), so nothing is hidden by carrying on.
      read = {};
    }
  });
  return { meter, result: () => read };
}

const failure = (end: StreamEnd) => (end === 'complete' ? undefined : end === 'aborted' ? 'client_disconnected' : 'stream_failed');

/** Forwards one call; metered calls are admitted by the caps first and produce one span. Resolves with the status once forwarding began. */
export async function proxyCall(deps: ProxyDeps, adapter: ProviderAdapter, call: IncomingCall): Promise<number> {
  const path = call.url.pathname.slice(adapter.prefix.length);
  const target = new URL(deps.config.upstreams[adapter.name] + path + call.url.search);
  const { attribution, key } = identify(deps, adapter, call.req.headers, target);
  const method = call.req.method ?? 'GET';
  const raw = method === 'GET' || method === 'HEAD' ? undefined : await readBody(call.req);
  const metered = raw === undefined ? undefined : adapter.plan(method, path, raw);
  const headers = upstreamRequest(deps, adapter, call.req.headers, target, key);
  if (metered === undefined) {
    const release = deps.track();
    try {
      const upstream = await send(deps, call, target, headers, raw);
      forward(upstream, call.res, undefined, release);
      return upstream.statusCode ?? 502;
    } catch (error) {
      release();
      throw error;
    }
  }
  const span = startCallSpan(deps.tracer, adapter, metered, attribution, target);
  const estimate = costNanos(deps.pricer, { provider: adapter.genAiProvider, models: [metered.model], usage: estimatedUsage(raw!.byteLength, metered.maxOutputTokens), at: new Date(), client: attribution.client });
  await deps.guard.admit({ id: span.spanContext().spanId, client: attribution.client, project: attribution.project, feature: attribution.feature, key, estimateNanos: estimate });
  const outcome = new CallOutcome(deps, adapter, metered, span, attribution.client);
  const release = deps.track();
  const started = performance.now();
  let upstream: IncomingMessage;
  try {
    upstream = await send(deps, call, target, headers, metered.body);
  } catch (error) {
    outcome.finish(502, {}, error instanceof GatewayError && error.code === 'upstream_unreachable' ? 'upstream_unreachable' : 'client_disconnected');
    release();
    throw error;
  }
  deps.metrics.upstreamSeconds.observe({ provider: adapter.name }, (performance.now() - started) / 1000);
  const status = upstream.statusCode ?? 502;
  const { meter, result } = meterFor(metered, upstream);
  forward(upstream, call.res, meter, (end) => {
    outcome.finish(status, result(), failure(end));
    release();
  });
  return status;
}
