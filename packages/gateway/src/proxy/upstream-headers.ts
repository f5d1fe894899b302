/** Hop-by-hop headers (RFC 9110 §7.6.1) and ones the gateway recomputes; never forwarded. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);

/** The caller's headers as sent upstream: without hop-by-hop headers and the gateway's own. */
export function upstreamHeaders(incoming: Headers): Headers {
  const out = new Headers();
  incoming.forEach((value, name) => {
    if (HOP.has(name) || name === 'x-metering-tags' || name.startsWith('x-tokenledger-') || name === 'accept-encoding') return;
    out.set(name, value);
  });
  // fetch decodes compressed bodies itself; asking for identity keeps the bytes the caller gets equal to upstream's.
  out.set('accept-encoding', 'identity');
  return out;
}

/** Upstream's response headers as given to the caller; the body length and coding are the server's to set. */
export function responseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  upstream.forEach((value, name) => {
    if (HOP.has(name) || name === 'content-encoding') return;
    out.append(name, value);
  });
  return out;
}
