import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettleInstance } from '../packages/receiver/src/settle/index.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { postTrace } from './support/trace-json.js';

const chat = (client: string) => ({
  'gen_ai.provider.name': 'openai',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.id': 'chatcmpl-same-call',
  'gen_ai.usage.input_tokens': 500,
  'gen_ai.usage.output_tokens': 200,
  'tokenledger.client.id': client,
});

describe('budgets after settle', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('settle_budget', {
      yaml: 'clients:\n  - id: capco\n    monthly_budget_usd: 1\n    hard_cap: true\nsettle:\n  enabled: false\n  lease_seconds: 8\n',
    });
  });
  afterAll(async () => r.stop());

  it('stops counting a call twice once settle marks the second recording as a repeat', async () => {
    const start = new Date();
    // Our wrapper and the vendor SDK's own instrumentation both record the same HTTP call.
    await postTrace(r.url, [
      { traceId: '1'.repeat(32), spanId: 'a'.repeat(16), name: 'chat gpt-4o', kind: 3, scope: '@tokenledger/otel', start, attributes: chat('capco') },
      { traceId: '1'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: 'a'.repeat(16), name: 'chat gpt-4o', kind: 3, scope: '@anthropic-ai/sdk', start, attributes: chat('capco') },
    ]);
    const budget = async () => ((await (await fetch(`${r.url}/api/v1/budgets/capco`)).json()) as { spent_usd: string }).spent_usd;
    expect(await budget()).toBe('0.006500000');
    const settle = r.server.receiver.plugins.find((p): p is SettleInstance => 'runOnce' in p)!;
    // A run skips the second half of its lease slot (settle-lease.ts); the timer's next tick runs.
    let result = await settle.runOnce();
    for (let tick = 0; result.skipped && tick < 12; tick++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      result = await settle.runOnce();
    }
    expect(result).toMatchObject({ skipped: false, duplicates: 1 });
    await expect.poll(budget).toBe('0.003250000');
  });
});
