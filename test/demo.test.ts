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
    const stored = await db.queryRows<{ client_id: string; calls: string; nanos: string; unpriced: string; unmetered: string }>(
      `SELECT client_id, toString(count()) AS calls, toString(sum(cost_nanos)) AS nanos, toString(sum(metered = 1 AND priced = 0)) AS unpriced, toString(sum(metered = 0)) AS unmetered
       FROM ${db.name}.llm_calls FINAL GROUP BY client_id ORDER BY client_id`,
    );
    // Dollars from the stored nano-USD sum, digit by digit (toString of a Decimal drops trailing zeros on current ClickHouse).
    const usd = (nanos: string) => `${BigInt(nanos) / 1_000_000_000n}.${(BigInt(nanos) % 1_000_000_000n).toString().padStart(9, '0')}`;
    expect(stored.map((r) => r.client_id)).toEqual(['', 'acme', 'globex', 'initech', 'umbrella']);
    expect(stored.reduce((n, r) => n + Number(r.calls), 0)).toBe(400);
    expect(stored.some((r) => r.unpriced !== '0')).toBe(true);
    for (const row of stored) {
      const label = row.client_id === '' ? '(unattributed)' : row.client_id;
      expect(stdout).toMatch(new RegExp(`^${label.replace(/[()]/g, '\\$&')}\\s+${row.calls}\\s.*\\$${usd(row.nanos).replace('.', '\\.')}$`, 'm'));
    }
    expect(stdout).toMatch(/^total\s+400\s/m);
  });
});
