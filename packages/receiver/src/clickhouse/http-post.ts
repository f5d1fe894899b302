import http from 'node:http';
import https from 'node:https';

/**
 * POSTs to ClickHouse's HTTP interface over node:http with keep-alive. The receiver's hot paths
 * (every insert, every already-stored check) go through here: undici's fetch cost 1.0 ms of CPU
 * for a `SELECT 1` and 2.5 ms for a 120 KB insert, node:http 0.35 and 0.55 ms (docs/benchmarks.md).
 */
export interface HttpAnswer {
  status: number;
  /** X-ClickHouse-Exception-Code, when ClickHouse sent one (it may fail after a 200 status line). */
  exceptionCode: string | null;
  text: string;
}

export interface HttpPoster {
  post(url: URL, headers: Record<string, string>, body: Uint8Array, timeoutMs: number): Promise<HttpAnswer>;
  close(): void;
}

export function createHttpPoster(maxSockets: number): HttpPoster {
  const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets }), 'https:': new https.Agent({ keepAlive: true, maxSockets }) };
  return {
    post(url, headers, body, timeoutMs) {
      const secure = url.protocol === 'https:';
      const request = secure ? https.request : http.request;
      return new Promise<HttpAnswer>((resolve, reject) => {
        const req = request(url, { method: 'POST', agent: agents[secure ? 'https:' : 'http:'], headers: { ...headers, 'Content-Length': String(body.byteLength) }, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const code = res.headers['x-clickhouse-exception-code'];
            resolve({ status: res.statusCode ?? 0, exceptionCode: typeof code === 'string' ? code : null, text: Buffer.concat(chunks).toString('utf8') });
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
