import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingInstance } from '../packages/receiver/src/billing/billing-plugin.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { postTrace, type JsonSpan } from './support/trace-json.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const span = (client: string, model: string): JsonSpan => ({
  traceId: hex(16),
  spanId: hex(8),
  name: 'chat',
  kind: 3,
  scope: 'app',
  start: new Date(),
  attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 1, 'tokenledger.client.id': client },
});

describe('spans with random client and model names (issue #13 item 5)', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('hostile_names', { yaml: 'clients:\n  - id: acme\nsettle:\n  enabled: false\n' });
  });
  afterAll(async () => r.stop());

  it('turn into a bounded number of unpriced alerts, not one row per client x model', async () => {
    for (let request = 0; request < 4; request++) {
      await postTrace(r.url, Array.from({ length: 500 }, () => span(`client-${hex(6)}`, `model-${hex(6)}`)));
    }
    await postTrace(r.url, Array.from({ length: 15 }, () => span('acme', `model-${hex(6)}`)));
    await (r.server.receiver.plugins.find((p) => 'idle' in p) as BillingInstance).idle();
    const rows = await r.db.queryRows<{ client_id: string; n: string }>(
      `SELECT client_id, toString(count()) AS n FROM ${r.db.name}.alerts_fired FINAL WHERE kind = 'unpriced' GROUP BY client_id ORDER BY client_id`,
    );
    // One alert stands for every id not in the config; acme gets its first 10 models.
    expect(rows).toEqual([{ client_id: '*', n: '1' }, { client_id: 'acme', n: '10' }]);
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toContain('tokenledger_alerts_suppressed_total{reason="cap"} 5');
    const [clients] = await r.db.queryRows<{ n: string }>(`SELECT toString(count()) AS n FROM ${r.db.name}.clients FINAL`);
    expect(clients!.n).toBe('2001'); // every id seen is still listed (the table, not memory, holds them)
  });
});
