import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { traceRequest, type JsonSpan } from './support/trace-json.js';

const YAML = `pricing:
  overrides:
    - model: gold-model                 # a (made up) price high enough to pass the cost limit in one call
      provider: openai
      input_per_mtok: 50000
      output_per_mtok: 50000
`;

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const NOW = new Date();

function call(spanId: string, attributes: Record<string, string | number>, start = NOW): JsonSpan {
  return {
    traceId: TRACE,
    spanId,
    name: 'chat',
    kind: 3,
    scope: 'test',
    start,
    attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.output_tokens': 200, 'tokenledger.client.id': 'acme', ...attributes },
  };
}

describe('plausibility limits on what a span claims (real ClickHouse)', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('plausibility', { yaml: YAML });
  });
  afterAll(() => r.stop());

  const post = async (spans: JsonSpan[]) => {
    const res = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: traceRequest(spans) });
    return { status: res.status, body: (await res.json()) as { partialSuccess?: { rejectedSpans: string; errorMessage: string } } };
  };

  it('rejects absurd token counts, times and costs by name, and stores their neighbours', async () => {
    const { status, body } = await post([
      call('a000000000000001', {}),
      call('a000000000000002', { 'gen_ai.usage.output_tokens': 1_000_000_000_000_000 }),
      call('a000000000000003', {}, new Date('1970-01-02T00:00:00Z')),
      call('a000000000000004', {}, new Date('2200-01-01T00:00:00Z')),
      call('a000000000000005', { 'gen_ai.request.model': 'gold-model', 'gen_ai.usage.input_tokens': 30_000, 'gen_ai.usage.output_tokens': 0 }),
      call('a000000000000006', { 'gen_ai.usage.output_tokens': 300 }),
    ]);
    expect(status).toBe(200);
    expect(body.partialSuccess!.rejectedSpans).toBe('4');
    const message = body.partialSuccess!.errorMessage;
    expect(message).toContain('span a000000000000002: output_tokens 1000000000000000 is over limits.max_tokens_per_call (100000000)');
    expect(message).toContain('span a000000000000003: start time 1970-01-02T00:00:00.000Z is older than limits.max_span_age_days (400)');
    expect(message).toContain('span a000000000000004: start time 2200-01-01T00:00:00.000Z is later than now plus limits.max_clock_skew_minutes (60)');
    expect(message).toContain('span a000000000000005: cost of 1500000000000 nano-USD is over limits.max_cost_usd_per_call (1000 USD)');
    const rows = await r.db.queryRows<{ span_id: string; output_tokens: string; cost_nanos: string }>(
      `SELECT span_id, toString(output_tokens) AS output_tokens, toString(cost_nanos) AS cost_nanos FROM ${r.db.name}.llm_calls ORDER BY span_id`,
    );
    // gpt-4o: 500 in x $2.50/M + 200 out x $10/M = $0.00325; 300 out = $0.00425.
    expect(rows).toEqual([
      { span_id: 'a000000000000001', output_tokens: '200', cost_nanos: '3250000' },
      { span_id: 'a000000000000006', output_tokens: '300', cost_nanos: '4250000' },
    ]);
  });

  it('keeps a producer-claimed cost within the same limit', async () => {
    const { body } = await post([call('b000000000000001', { 'gen_ai.usage.cost': 5e12 }), call('b000000000000002', {})]);
    expect(body.partialSuccess).toEqual({ rejectedSpans: '1', errorMessage: expect.stringContaining('span b000000000000001: producer cost of 5000000000000000000000 nano-USD is over limits.max_cost_usd_per_call (1000 USD)') });
    const rows = await r.db.queryRows<{ n: string }>(`SELECT count() AS n FROM ${r.db.name}.llm_calls WHERE span_id = 'b000000000000002'`);
    expect(rows).toEqual([{ n: '1' }]);
  });
});

describe('limits are configurable', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('plausibility_cfg', { yaml: 'limits:\n  max_tokens_per_call: 1000\n' });
  });
  afterAll(() => r.stop());

  it('applies limits.max_tokens_per_call from the config file', async () => {
    const res = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: traceRequest([call('c000000000000001', { 'gen_ai.usage.input_tokens': 1001 }), call('c000000000000002', { 'gen_ai.usage.input_tokens': 1000 })]) });
    expect(await res.json()).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: 'span c000000000000001: input_tokens 1001 is over limits.max_tokens_per_call (1000)' } });
    expect(await r.db.queryRows(`SELECT span_id FROM ${r.db.name}.llm_calls`)).toEqual([{ span_id: 'c000000000000002' }]);
  });
});
