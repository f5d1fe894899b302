import { createGunzip } from 'node:zlib';
import { OtlpDecodeError, PayloadTooLargeError, UnsupportedMediaTypeError } from './otlp-errors.js';

/**
 * Inflates a gzip body, streaming, and stops as soon as the output passes `maxBytes`: a gzip bomb
 * (50 MiB of zeros packs into ~50 KiB) is refused after at most one chunk over the limit, never
 * unpacked. Corrupt or truncated gzip is undecodable data (OtlpDecodeError, HTTP 400).
 */
export function gunzipLimited(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (err: Error | undefined): void => {
      if (done) return;
      done = true;
      if (err) {
        gunzip.destroy();
        reject(err);
      } else {
        resolve(Buffer.concat(chunks, total));
      }
    };
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) finish(new PayloadTooLargeError(`gzip body inflates to more than ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    gunzip.on('end', () => finish(undefined));
    gunzip.on('error', (err) => finish(new OtlpDecodeError(`invalid gzip body: ${err.message}`, { cause: err })));
    gunzip.end(bytes);
  });
}

/**
 * The request's Content-Encoding. The OTLP spec requires servers to accept none and gzip
 * ("Protocol Details"); `identity` is HTTP's name for none (RFC 9110 §8.4.1), `x-gzip` an old
 * name of gzip (§8.4.1.3). Anything else is 415.
 */
export function contentEncodingOf(contentEncoding: string | undefined): 'gzip' | 'identity' {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return 'gzip';
  if (encoding === '' || encoding === 'identity') return 'identity';
  throw new UnsupportedMediaTypeError(`unsupported Content-Encoding "${contentEncoding}"; use gzip or none`);
}

/** Undoes the request's Content-Encoding (contentEncodingOf), to at most `maxBytes`. */
export async function decodeContentEncoding(bytes: Uint8Array, contentEncoding: string | undefined, maxBytes: number): Promise<Uint8Array> {
  if (contentEncodingOf(contentEncoding) === 'gzip') return gunzipLimited(bytes, maxBytes);
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(`body of ${bytes.length} bytes is over the ${maxBytes}-byte limit`);
  return bytes;
}
