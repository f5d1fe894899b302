import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldStreamServer {
  url: string;
  /** Sends the rest of the current stream and ends it. */
  release(): void;
  /** Resolves when the gateway closed its upstream connection before the stream ended. */
  aborted: Promise<void>;
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/**
 * An upstream that sends the first SSE events of a stream and holds the rest until `release()`:
 * a caller that sees the first events before the release proves the gateway does not buffer,
 * and a caller that goes away shows whether the gateway aborts its upstream request.
 */
export async function startHeldStream(first: string, rest: string): Promise<HeldStreamServer> {
  let release = () => undefined as void;
  let onAbort = () => undefined as void;
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(first);
      let ended = false;
      res.on('close', () => {
        if (!ended) onAbort();
      });
      release = () => {
        ended = true;
        res.end(rest);
      };
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release: () => release(),
    aborted,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
