import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { traceRequest } from './support/trace-json.js';

const body = traceRequest([
  {
    traceId: '8bf92f3577b34da6a3ce929d0e0e4736', spanId: 'aa00000000000001', name: 'chat', kind: 3, scope: 'test', start: new Date(),
    attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 5, 'tokenledger.client.id': 'acme' },
  },
]);

describe('OTLP requests are decoded a bounded number at a time (real ClickHouse)', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('decode_gate', { receiver: { maxConcurrentDecodes: 1, maxWaitingDecodes: 0 } });
  });
  afterAll(() => r.stop());

  it('answers 429 with Retry-After past the bound, before reading the body, and stores the request that holds the slot', async () => {
    const { port } = new URL(r.url);
    // A sender that holds the one decode slot: its body arrives in two parts, the second later.
    let finishFirst!: () => void;
    const first = new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.write(body.slice(0, 20));
      finishFirst = () => req.end(body.slice(20));
    });
    await new Promise((done) => setTimeout(done, 200));
    const refused = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    finishFirst();
    expect(await first).toBe(200);
    expect(await r.db.queryRows(`SELECT span_id FROM ${r.db.name}.llm_calls`)).toEqual([{ span_id: 'aa00000000000001' }]);
  });
});
