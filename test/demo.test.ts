import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../packages/receiver/src/cli/main.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';

describe('tokenledger demo', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('demo');
  });
  afterAll(async () => db.drop());

  it('sends traffic through OTLP into ClickHouse and prints cost per client that matches the stored calls', async () => {
    let stdout = '';
    const code = await main(['demo', '--calls', '400', '--seed', '3'], {
      stdout: { write: (t) => void (stdout += t) },
      stderr: { write: () => undefined },
      env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name },
      cwd: '/nonexistent',
    });
    expect(code).toBe(0);
    const stored = await db.queryRows<{ client_id: string; calls: string; usd: string; unpriced: string; unmetered: string }>(
      `SELECT client_id, toString(count()) AS calls, toString(toDecimal128(sum(cost_nanos), 9) / 1000000000) AS usd, toString(sum(metered = 1 AND priced = 0)) AS unpriced, toString(sum(metered = 0)) AS unmetered
       FROM ${db.name}.llm_calls FINAL GROUP BY client_id ORDER BY client_id`,
    );
    expect(stored.map((r) => r.client_id)).toEqual(['', 'acme', 'globex', 'initech', 'umbrella']);
    expect(stored.reduce((n, r) => n + Number(r.calls), 0)).toBe(400);
    expect(stored.some((r) => r.unpriced !== '0')).toBe(true);
    for (const row of stored) {
      const label = row.client_id === '' ? '(unattributed)' : row.client_id;
      expect(stdout).toMatch(new RegExp(`^${label.replace(/[()]/g, '\\$&')}\\s+${row.calls}\\s.*\\$${row.usd.replace('.', '\\.')}$`, 'm'));
    }
    expect(stdout).toMatch(/^total\s+400\s/m);
  });
});
