import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { postTrace, type JsonSpan } from './support/trace-json.js';

const YAML = `clients:
  - id: acme
    monthly_budget_usd: 100
    hard_cap: true
  - id: globex
    monthly_budget_usd: 100
`;

function call(client: string, spanId: string, model: string, usage: boolean): JsonSpan {
  return {
    traceId: '6bf92f3577b34da6a3ce929d0e0e4736',
    spanId,
    name: 'chat',
    kind: 3,
    scope: 'test',
    start: new Date(Date.now() - 60_000),
    attributes: {
      'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'tokenledger.client.id': client,
      ...(usage ? { 'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.output_tokens': 200 } : {}),
    },
  };
}

describe('unpriced and unmetered usage where budgets are decided (real ClickHouse)', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('budgets_unaccounted', { yaml: YAML });
    await postTrace(r.url, [
      call('acme', 'e000000000000001', 'gpt-4o', true),
      call('acme', 'e000000000000002', 'acme-private-model', true),
      call('acme', 'e000000000000003', 'gpt-4o', false),
      call('globex', 'e000000000000004', 'globex-private-model', true),
    ]);
  });
  afterAll(() => r.stop());

  const budget = async (client: string) => (await fetch(`${r.url}/api/v1/budgets/${client}`)).json() as Promise<Record<string, unknown>>;

  it('reports unpriced_calls and unmetered_calls, and warns a hard-capped client instead of showing ok', async () => {
    expect(await budget('acme')).toMatchObject({ client: 'acme', spent_usd: '0.003250000', status: 'warning', hard_cap: true, unpriced_calls: 1, unmetered_calls: 1 });
    expect(await budget('globex')).toMatchObject({ client: 'globex', spent_usd: '0.000000000', status: 'ok', hard_cap: false, unpriced_calls: 1, unmetered_calls: 0 });
    const all = (await (await fetch(`${r.url}/api/v1/budgets`)).json()) as { budgets: Array<Record<string, unknown>> };
    expect(all.budgets.map((b) => [b.client, b.status, b.unpriced_calls, b.unmetered_calls])).toEqual([['acme', 'warning', 1, 1], ['globex', 'ok', 1, 0]]);
  });

  it('fires an alert naming the unpriced model of the hard-capped client', async () => {
    let rows: Array<{ kind: string; message: string }> = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      rows = await r.db.queryRows(`SELECT kind, message FROM ${r.db.name}.alerts_fired FINAL WHERE client_id = 'acme' AND kind = 'unpriced'`);
      if (!rows.length) await new Promise((done) => setTimeout(done, 100));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]!.message).toContain('acme-private-model');
  });
});
