import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../packages/receiver/src/cli/main.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function request(model: string, spans: number): string {
  const start = BigInt(Date.UTC(2026, 10, 10, 12)) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [
          {
            scope: { name: 't' },
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId: hex(77, 32),
              spanId: hex(i + 1, 16),
              name: `chat ${model}`,
              kind: 3,
              startTimeUnixNano: String(start),
              endTimeUnixNano: String(start + 1_000_000n),
              attributes: [
                { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
                { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                { key: 'gen_ai.request.model', value: { stringValue: model } },
                { key: 'gen_ai.usage.input_tokens', value: { intValue: '1000000' } },
                { key: 'gen_ai.usage.output_tokens', value: { intValue: '100000' } },
                { key: 'tokenledger.client.id', value: { stringValue: 'acme' } },
              ],
            })),
          },
        ],
      },
    ],
  });
}

// Reprice holds the settle lease: every process sharing the database uses the same slot length.
const SETTLE = 'settle:\n  lease_seconds: 4\n  interval_seconds: 2\n';

describe('tokenledger reprice', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('reprice', { yaml: SETTLE });
  });
  afterAll(async () => r.stop());

  it('prices calls that were unpriced once an override exists, and keeps the rollup equal to the calls', async () => {
    const res = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request('acme-finetune-7b', 3) });
    expect(res.status).toBe(200);
    const before = await r.db.queryRows(`SELECT sum(priced) AS priced, sum(cost_nanos) AS cost FROM ${r.db.name}.llm_calls FINAL`);
    expect(before).toEqual([{ priced: '0', cost: '0' }]);

    const dir = mkdtempSync(join(tmpdir(), 'tl-reprice-'));
    writeFileSync(join(dir, 'tokenledger.yaml'), SETTLE + 'pricing:\n  overrides:\n    - model: acme-finetune-7b\n      provider: openai\n      input_per_mtok: 0.5\n      output_per_mtok: 1.5\n');
    let out = '';
    const code = await main(['reprice', '--from', '2026-11-01', '--to', '2026-12-01', '--config', join(dir, 'tokenledger.yaml')], {
      stdout: { write: (t) => void (out += t) },
      stderr: { write: (t) => void (out += t) },
      env: { CLICKHOUSE_URL: r.db.url, CLICKHOUSE_DATABASE: r.db.name },
      cwd: dir,
    });
    expect(out).toBe('repriced: 3 of 3 calls changed, total +$1.950000000\n');
    expect(code).toBe(0);
    // 1M input at $0.50 + 100k output at $1.50 = $0.65 per call.
    const calls = await r.db.queryRows(`SELECT count() AS n, sum(priced) AS priced, sum(cost_nanos) AS cost, max(revision) AS rev FROM ${r.db.name}.llm_calls FINAL`);
    expect(calls).toEqual([{ n: '3', priced: '3', cost: '1950000000', rev: 1 }]);
    const rollup = await r.db.queryRows(`SELECT sum(calls) AS calls, sum(cost_nanos) AS cost, sum(unpriced_calls) AS unpriced FROM ${r.db.name}.llm_usage_daily`);
    expect(rollup).toEqual([{ calls: '3', cost: '1950000000', unpriced: '0' }]);
    const again = await main(['reprice', '--from', '2026-11-01', '--to', '2026-12-01', '--config', join(dir, 'tokenledger.yaml')], {
      stdout: { write: (t) => void (out = t) },
      stderr: { write: () => undefined },
      env: { CLICKHOUSE_URL: r.db.url, CLICKHOUSE_DATABASE: r.db.name },
      cwd: dir,
    });
    expect([again, out]).toEqual([0, 'repriced: 0 of 3 calls changed, total +$0.000000000\n']);
  });
});
