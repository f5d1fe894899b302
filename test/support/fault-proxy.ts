import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of the real ClickHouse that injects faults into chosen requests, so
 * tests see ClickHouse's own answers: either the real server's (the request is forwarded with a
 * setting or a body that makes it fail: `readonly=1` gives a real READONLY, a broken row a real
 * parse error), or, for states a shared test server cannot be put in (too many parts, a Keeper
 * session lost), a reply in ClickHouse's exact shape, status, body and X-ClickHouse-Exception-Code.
 */
export interface ClickHouseRequest {
  query: string;
  body: Buffer;
}

export interface Fault {
  /** Added to the query string: the real server then answers. */
  settings?: Record<string, string>;
  /** Forwarded instead of the request's body. */
  body?: Buffer;
  /** Held this long before forwarding. */
  delayMs?: number;
  /** Answered by the proxy instead of forwarding. */
  reply?: { status: number; headers?: Record<string, string>; body: string };
}

export interface Exchange extends ClickHouseRequest {
  status: number;
  /** What came back, the first 300 characters. */
  answer: string;
}

export interface FaultProxy {
  url: string;
  /** The rule for each request from now on; null forwards everything untouched. */
  inject(rule: ((req: ClickHouseRequest) => Fault | null) | null): void;
  /** Every request seen, in order, with its answer. */
  exchanges: Exchange[];
  close(): Promise<void>;
}

function forward(target: URL, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = request({ host: target.hostname, port: target.port, method, path, headers: { ...headers, host: target.host, 'content-length': String(body.byteLength) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  let rule: ((req: ClickHouseRequest) => Fault | null) | null = null;
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://proxy');
        const seen = { query: url.searchParams.get('query') ?? '', body: Buffer.concat(chunks) };
        const fault = rule?.(seen) ?? null;
        if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        for (const [name, value] of Object.entries(fault?.settings ?? {})) url.searchParams.set(name, value);
        const headers = { ...req.headers };
        delete headers['transfer-encoding'];
        const answer = fault?.reply
          ? { status: fault.reply.status, headers: { 'content-type': 'text/plain; charset=UTF-8', ...fault.reply.headers }, body: Buffer.from(fault.reply.body) }
          : await forward(target, req.method ?? 'POST', url.pathname + url.search, headers, fault?.body ?? seen.body);
        exchanges.push({ ...seen, status: answer.status, answer: answer.body.toString('utf8', 0, 300) });
        const out = { ...answer.headers };
        delete out['transfer-encoding'];
        res.writeHead(answer.status, { ...out, 'content-length': String(answer.body.byteLength) });
        res.end(answer.body);
      })().catch((err: Error) => {
        res.writeHead(502);
        res.end(err.message);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inject: (next) => void (rule = next),
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
