import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { postTrace } from './support/trace-json.js';

describe('GET /api/v1/usage reports producer cost drift', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('usage_drift', { yaml: 'settle:\n  enabled: false\n' });
  });
  afterAll(async () => r.stop());

  it('adds producer_cost_* and drift_usd to rows whose calls carried a producer cost, and only to those', async () => {
    const start = new Date();
    const chat = (client: string, extra: Record<string, string | number>) => ({
      'gen_ai.system': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.output_tokens': 200, 'tokenledger.client.id': client, ...extra,
    });
    await postTrace(r.url, [
      // OpenLIT prices the call itself: $0.003 against our $0.00325.
      { traceId: 'd'.repeat(32), spanId: '1'.repeat(16), name: 'chat gpt-4o', kind: 3, scope: 'openlit.otel.tracing', start, attributes: chat('drift-co', { 'gen_ai.usage.cost': 0.003 }) },
      { traceId: 'd'.repeat(32), spanId: '2'.repeat(16), name: 'chat gpt-4o', kind: 3, scope: 'openlit.otel.tracing', start, attributes: chat('drift-co', {}) },
      { traceId: 'e'.repeat(32), spanId: '3'.repeat(16), name: 'chat gpt-4o', kind: 3, scope: '@tokenledger/otel', start, attributes: chat('plain-co', {}) },
    ]);
    const res = await fetch(`${r.url}/api/v1/usage?from=2020-01-01&to=2100-01-01&group_by=client`);
    const body = (await res.json()) as { rows: Array<Record<string, unknown>> };
    expect(body.rows).toEqual([
      { client: 'drift-co', calls: 2, input_tokens: 1000, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 400, reasoning_tokens: 0, cost_usd: '0.006500000', unpriced_calls: 0, unmetered_calls: 0, producer_cost_calls: 1, producer_cost_usd: '0.003000000', drift_usd: '0.000250000' },
      { client: 'plain-co', calls: 1, input_tokens: 500, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 200, reasoning_tokens: 0, cost_usd: '0.003250000', unpriced_calls: 0, unmetered_calls: 0 },
    ]);
  });
});
