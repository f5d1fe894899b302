import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { traceRequest } from './support/trace-json.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

/** An address of this machine that is not loopback: requests to it arrive from a non-loopback peer. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

const span = (spanId: string) =>
  traceRequest([
    {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId,
      name: 'chat gpt-4o',
      kind: 3,
      scope: 'test',
      start: new Date(),
      attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5, 'tokenledger.client.id': 'acme' },
    },
  ]);

describe.skipIf(!external)('each surface is guarded by its own tokens or answers loopback only', () => {
  let r: TestReceiver | undefined;
  afterEach(async () => {
    await r?.stop();
    r = undefined;
  });
  const at = (host: string, path: string) => `http://${host}:${r!.server.port}${path}`;
  const post = (host: string, body: string, token?: string) =>
    fetch(at(host, '/v1/traces'), { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  const stored = async () => (await r!.db.queryRows<{ n: string }>(`SELECT count() AS n FROM ${r!.db.name}.llm_calls`))[0]!.n;

  it('with only ingest tokens, the API refuses non-loopback peers and answers loopback ones', async () => {
    r = await startTestReceiver('auth_ingest_only', { env: { TOKENLEDGER_INGEST_TOKENS: 'ingest-secret', TOKENLEDGER_LISTEN_HOST: '0.0.0.0' } });
    const remote = await fetch(at(external!, '/api/v1/usage?from=2026-01-01&to=2026-02-01'));
    expect(remote.status).toBe(403);
    expect(await remote.json()).toEqual({ error: { code: 'forbidden', message: 'the api surface answers loopback only: TOKENLEDGER_API_TOKENS is not set' } });
    expect((await fetch(at('127.0.0.1', '/api/v1/usage?from=2026-01-01&to=2026-02-01'))).status).toBe(200);
    expect((await post(external!, span('00f067aa0ba902b7'))).status).toBe(401);
    expect((await post(external!, span('00f067aa0ba902b7'), 'ingest-secret')).status).toBe(200);
    expect(await stored()).toBe('1');
  });

  it('with only API tokens, nobody off the machine can inject spend', async () => {
    r = await startTestReceiver('auth_api_only', { env: { TOKENLEDGER_API_TOKENS: 'api-secret', TOKENLEDGER_LISTEN_HOST: '0.0.0.0' } });
    const refused = await post(external!, span('00f067aa0ba902b8'), 'api-secret');
    expect(refused.status).toBe(403);
    expect(await stored()).toBe('0');
    expect((await fetch(at(external!, '/api/v1/usage?from=2026-01-01&to=2026-02-01'), { headers: { authorization: 'Bearer api-secret' } })).status).toBe(200);
    expect((await fetch(at(external!, '/healthz'))).status).toBe(200);
    expect((await post('127.0.0.1', span('00f067aa0ba902b9'))).status).toBe(200);
    expect(await stored()).toBe('1');
  });
});
