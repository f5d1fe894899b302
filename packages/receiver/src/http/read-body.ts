import { PayloadTooLargeError } from '../otlp/otlp-errors.js';

/**
 * Reads a request body up to `maxBytes`, refusing early: a declared Content-Length over the limit
 * is refused before a byte is read, and a chunked body is cut off as soon as it passes the limit.
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new PayloadTooLargeError(`request body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PayloadTooLargeError(`request body is over the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
