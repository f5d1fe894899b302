import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError } from '../otlp/otlp-errors.js';

/**
 * Reads a request body up to `maxBytes`, refusing early: a declared Content-Length over the limit
 * is refused before a byte is read, and a chunked body is cut off as soon as it passes the limit.
 * Under @hono/node-server the body is read from Node's own request stream (`incoming`): the web
 * ReadableStream Hono's Request wraps around it costs several times more CPU per byte.
 */
export async function readBodyLimited(request: Request, maxBytes: number, incoming?: IncomingMessage): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new PayloadTooLargeError(`request body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  if (incoming) return readIncoming(incoming, maxBytes);
  if (!request.body) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes); // leaving the loop cancels the stream
    parts.push(chunk);
  }
  return concat(parts, total);
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    const stop = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total <= maxBytes) return void parts.push(chunk);
      // The rest is read and dropped, not left in the socket, so the 413 answer can be sent.
      stop();
      incoming.resume();
      reject(tooLarge(maxBytes));
    };
    const onEnd = () => {
      stop();
      resolve(concat(parts, total));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`request body is over the ${maxBytes}-byte limit`);
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}
