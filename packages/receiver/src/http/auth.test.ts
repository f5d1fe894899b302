import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { checkAccess, describeAccess, isLoopback, surfaceAccess } from './auth.js';

const server = async (env: Record<string, string>) => (await loadConfig({ env })).server;

describe('checkAccess', () => {
  it('lets loopback peers and in-process requests use a surface without tokens, refuses everyone else', async () => {
    const api = surfaceAccess(await server({ TOKENLEDGER_INGEST_TOKENS: 'i' }), 'api');
    expect(checkAccess(api, { authorization: undefined, remoteAddress: '127.0.0.1' })).toEqual({ allowed: true, scopeClient: null });
    expect(checkAccess(api, { authorization: undefined, remoteAddress: '::ffff:127.0.0.5' }).allowed).toBe(true);
    expect(checkAccess(api, { authorization: undefined, remoteAddress: undefined }).allowed).toBe(true);
    const refused = checkAccess(api, { authorization: 'Bearer i', remoteAddress: '10.1.2.3' });
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.error.message).toBe('the api surface answers loopback only: TOKENLEDGER_API_TOKENS is not set');
  });

  it('never accepts one surface\'s token on the other', async () => {
    const s = await server({ TOKENLEDGER_INGEST_TOKENS: 'ingest-t', TOKENLEDGER_API_TOKENS: 'api-t,acme=acme-t' });
    const ingest = surfaceAccess(s, 'ingest');
    const api = surfaceAccess(s, 'api');
    expect(checkAccess(ingest, { authorization: 'Bearer api-t', remoteAddress: '127.0.0.1' }).allowed).toBe(false);
    expect(checkAccess(api, { authorization: 'Bearer ingest-t', remoteAddress: '127.0.0.1' }).allowed).toBe(false);
    expect(checkAccess(api, { authorization: 'Bearer acme-t', remoteAddress: '10.0.0.1' })).toEqual({ allowed: true, scopeClient: 'acme' });
    expect(checkAccess(surfaceAccess(s, 'portal'), { authorization: 'bearer api-t', remoteAddress: '10.0.0.1' })).toEqual({ allowed: true, scopeClient: null });
  });

  it('tells loopback addresses apart', () => {
    expect(['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '192.0.2.2', 'fd00::2', '::ffff:10.0.0.1', '1127.0.0.1'].some(isLoopback)).toBe(false);
  });

  it('says at start exactly what is open to whom, without a token', async () => {
    const lines = describeAccess(await server({ TOKENLEDGER_INGEST_TOKENS: 'secret-1,secret-2', TOKENLEDGER_LISTEN_HOST: '0.0.0.0' }));
    expect(lines).toEqual([
      'ingest POST /v1/traces: bearer token required on 0.0.0.0 (2 tokens from TOKENLEDGER_INGEST_TOKENS)',
      'API /api/v1/* and portal: loopback only, no token (set TOKENLEDGER_API_TOKENS to open it to the network)',
      'public on 0.0.0.0: /healthz, /readyz, /metrics',
    ]);
    expect(lines.join('\n')).not.toContain('secret');
  });
});
