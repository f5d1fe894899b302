import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Pricer } from '@tokenledger/pricing';
import type { CallScope } from '@tokenledger/otel';
import { VirtualKeys } from '../auth/virtual-keys.js';
import { BudgetSource } from '../caps/budget-source.js';
import { budgetUnavailableError, refusedWithoutBudget, scopedBudgetUnavailableError, scopedRefusedWithoutBudget } from '../caps/budget-unavailable.js';
import { CapGuard } from '../caps/cap-guard.js';
import { RateWindow } from '../caps/rate-window.js';
import { UnstoredSpend } from '../caps/unstored-spend.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { createGatewayHandler, type GatewayLog } from '../http/gateway-handler.js';
import { createGatewayMetrics } from '../http/gateway-metrics.js';
import { UpstreamClient } from '../proxy/upstream-client.js';
import { createSpanPipeline } from '../spans/span-pipeline.js';
import { InFlight } from './in-flight.js';

/** A call reserved this long ago whose span never reached the receiver is taken as lost. */
const LOST_SPAN_MS = 3_600_000;

export interface RunningGateway {
  url: string;
  port: number;
  /** Spans finished so far are sent to the receiver; resolves once it answered. */
  flush(): Promise<void>;
  /** Stops taking connections, waits for calls in flight (up to drain_seconds), flushes spans. */
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /** Prices the estimate reserved at request time and the settled cost; the receiver's own catalog and overrides. */
  pricer: Pricer;
  log?: GatewayLog;
  now?: () => number;
  /** Finished spans wait at most this long for their batch (default 1000 ms). */
  spanDelayMs?: number;
  /**
   * Clients whose budget is a hard cap in the receiver's config (`clients[].hard_cap`, the same
   * tokenledger.yaml): refused under `budget_unavailable: refuse_hard_capped` while their budget
   * cannot be read.
   */
  hardCappedClients?: Iterable<string>;
  /** Scopes of the config's `budgets:` that are hard caps, refused on the same terms while the list cannot be read. */
  hardCappedScopes?: readonly ('account' | CallScope)[];
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, host: string, port: number): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}

/** `tokenledger gateway`: the proxy on `config.port`, spans to the receiver, caps from its budgets API. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<RunningGateway> {
  const log = options.log ?? { write: () => undefined };
  const now = options.now ?? (() => Date.now());
  const inFlight = new InFlight();
  const metrics = createGatewayMetrics(() => inFlight.count);
  const unstored = new UnstoredSpend();
  const hardCapped = new Set(options.hardCappedClients);
  const spans = createSpanPipeline({
    receiverUrl: config.receiverUrl,
    ingestToken: config.ingestToken,
    scheduledDelayMillis: options.spanDelayMs,
    onExported(ids, stored) {
      // A batch the receiver refused is not retried by then: counting it on would block the client for good.
      if (!stored) log.write(`gateway: ${ids.length} spans were not stored by the receiver at ${config.receiverUrl}\n`);
      const at = now();
      for (const id of ids) unstored.stored(id, at);
      // A budget answer is reused for at most budgetMaxAgeMs: entries stored before that are in every answer in use.
      unstored.sweep(at - config.budgetMaxAgeMs - 1000, at - LOST_SPAN_MS);
    },
  });
  const guard = new CapGuard({
    budgets: new BudgetSource({ receiverUrl: config.receiverUrl, apiToken: config.apiToken, maxAgeMs: config.budgetMaxAgeMs, now }),
    unstored,
    rates: new RateWindow(config.replicas),
    now,
    onBudgetUnavailable(client, error) {
      const refused = refusedWithoutBudget(config.budgetUnavailable, hardCapped, client);
      metrics.budgetUnavailable.inc({ outcome: refused ? 'refused' : 'served' });
      log.write(`gateway: budget of "${client}" unavailable (${(error as Error).message}); call ${refused ? 'refused' : 'let through'}\n`);
      if (refused) throw budgetUnavailableError(client);
    },
    onScopedBudgetsUnavailable(call, error, counted) {
      const refused = scopedRefusedWithoutBudget(config.budgetUnavailable, options.hardCappedScopes ?? [], call);
      if (counted && !refused) return;
      metrics.budgetUnavailable.inc({ outcome: refused ? 'refused' : 'served' });
      log.write(`gateway: scoped budgets unavailable (${(error as Error).message}); call ${refused ? 'refused' : 'let through'}\n`);
      if (refused) throw scopedBudgetUnavailableError();
    },
  });
  const keys = new VirtualKeys(config.keys);
  const stopping = { value: false };
  const upstream = new UpstreamClient();
  const deps = { config, keys, guard, unstored, pricer: options.pricer, tracer: spans.tracer, metrics, upstream, track: () => inFlight.start(), stopping: () => stopping.value };
  const { server, port } = await listen(createGatewayHandler(deps, log), config.host, config.port);
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.write(`tokenledger gateway listening on ${url} (${keys.passThrough ? 'pass-through mode: callers send their own provider keys' : `${config.keys.length} virtual keys`}; spans to ${config.receiverUrl})\n`);
  return {
    url,
    port,
    flush: () => spans.forceFlush(),
    async stop() {
      // New connections are refused at once, new calls on open keep-alive connections get a 503;
      // running calls get drain_seconds, then whatever is still open is cut.
      stopping.value = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const drained = await inFlight.drained(config.drainMs);
      if (!drained) log.write(`gateway: ${inFlight.count} calls still running after ${config.drainMs / 1000}s; closing their connections\n`);
      // A call counts as done when its last byte is handed to the connection, just before the
      // response ends: the connection gets a moment to finish before being cut.
      const idle = setInterval(() => server.closeIdleConnections(), 20);
      const cut = setTimeout(() => server.closeAllConnections(), drained ? 1000 : 0);
      server.closeIdleConnections();
      await closed;
      clearInterval(idle);
      clearTimeout(cut);
      upstream.close();
      await spans.shutdown();
    },
  };
}
