import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderRecord } from '../providers/index.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1), and ones that no longer hold once the gateway read the
 * request (`expect`, `host`: node sets its own); never forwarded.
 */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'expect']);

/** The caller's headers as sent upstream: without hop-by-hop headers and the gateway's own. */
export function upstreamHeaders(incoming: IncomingHttpHeaders): HeaderRecord {
  const out: HeaderRecord = {};
  for (const name in incoming) {
    if (HOP.has(name) || name === 'content-length' || name === 'x-metering-tags' || name.startsWith('x-tokenledger-')) continue;
    out[name] = incoming[name];
  }
  // Usage is read from the bytes as they pass: upstream must not compress them.
  out['accept-encoding'] = 'identity';
  return out;
}

/**
 * Upstream's response headers as given to the caller. The body goes on byte for byte, so its
 * length and coding stay upstream's, unless events are hidden from it (`rewritten`): then the
 * length is the server's to set.
 */
export function responseHeaders(upstream: IncomingHttpHeaders, rewritten: boolean): HeaderRecord {
  const out: HeaderRecord = {};
  for (const name in upstream) {
    if (HOP.has(name) || (rewritten && name === 'content-length')) continue;
    out[name] = upstream[name];
  }
  return out;
}

/** A body upstream compressed despite `accept-encoding: identity` is forwarded as it is, unread. */
export function isEncoded(upstream: IncomingHttpHeaders): boolean {
  const coding = upstream['content-encoding'];
  return coding !== undefined && coding !== 'identity';
}
