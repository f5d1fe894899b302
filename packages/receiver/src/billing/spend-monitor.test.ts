import { describe, expect, it } from 'vitest';
import type { StoreClient } from '../clickhouse/store-client.js';
import { loadConfig, parseFileConfig } from '../config/load-config.js';
import type { StoredCall } from '../store/llm-calls.js';
import { Alerter } from './alerter.js';
import { periodAt } from './billing-period.js';
import { ClientDirectory } from './client-billing.js';
import { SpendMonitor } from './spend-monitor.js';

const call = (client: string, timestamp: string, cost: string, priced: 0 | 1 = 1): StoredCall => ({
  timestamp, trace_id: 't', span_id: 's', client_id: client, project: '', feature: '', app: '', provider: 'openai', request_model: 'gpt-x', response_model: '', cost_nanos: cost, priced, metered: 1,
});

async function monitor() {
  const config = await loadConfig({ env: {} });
  config.file = parseFileConfig('clients:\n  - id: acme\n    period_start_day: 15\n  - id: globex\n', 'tokenledger.yaml');
  const directory = new ClientDirectory(config);
  const fired: string[] = [];
  const alerter = new Alerter({} as StoreClient, () => new Date('2026-11-20T12:00:00Z'), { attempts: 1, baseMs: 1, timeoutMs: 100 }, () => null);
  alerter.fire = (alert) => (fired.push(`${alert.kind}:${alert.client}:${alert.period}:${alert.subject}`), true);
  // Started on Oct 1, observing on Nov 20: every period since began after the start.
  let now = new Date('2026-10-01T00:00:00Z');
  const spend = new SpendMonitor({} as StoreClient, directory, alerter, () => now, undefined);
  now = new Date('2026-11-20T12:00:00Z');
  return { spend, directory, fired };
}

describe('SpendMonitor.observe', () => {
  it("adds each call to its client's period by the client's start day, and fires for an unpriced model", async () => {
    const { spend, directory, fired } = await monitor();
    spend.observe([
      call('acme', '2026-11-14 23:59:59', '1000'),
      call('acme', '2026-11-15 00:00:00', '20'),
      call('acme', '2026-11-15 08:00:00', '300'),
      call('globex', '2026-11-14 10:00:00', '4'),
      call('globex', '2026-11-15 10:00:00', '50000', 0),
    ]);
    const acme = directory.get('acme');
    // acme's period that ended on Nov 14 is no longer current: not kept.
    expect(spend.ledger.get('acme', 15, periodAt(new Date('2026-11-14T12:00:00Z'), 15))).toBeUndefined();
    expect(spend.ledger.get('acme', 15, periodAt(new Date('2026-11-15T12:00:00Z'), 15))).toBe(320n);
    expect(acme.periodStartDay).toBe(15);
    expect(spend.ledger.get('globex', 1, periodAt(new Date('2026-11-15T12:00:00Z'), 1))).toBe(50004n);
    expect(fired).toEqual(['unpriced:globex:2026-11:openai/gpt-x']);
  });

  it('keeps configured clients exactly and at most 10,000 ids seen only in traffic, whose spend it then reads from ClickHouse', async () => {
    const { spend, directory } = await monitor();
    const rows = Array.from({ length: 20_000 }, (_, i) => call(`random-${i}`, '2026-11-20 10:00:00', '7', 0));
    spend.observe([...rows, call('globex', '2026-11-20 10:00:00', '5'), call('acme', '2030-01-01 00:00:00', '9')]);
    const period = periodAt(new Date('2026-11-20T12:00:00Z'), 1);
    expect(spend.ledger.get('globex', 1, period)).toBe(5n);
    expect(spend.ledger.get('random-0', 1, period)).toBe(7n);
    expect(spend.ledger.get('random-9999', 1, period)).toBe(7n);
    expect(spend.ledger.get('random-10000', 1, period)).toBeUndefined();
    expect(spend.ledger.get('never-seen', 1, period)).toBeUndefined();
    // A span dated years ahead does not open a period of its own.
    expect(spend.ledger.get('acme', 15, periodAt(new Date('2030-01-01T00:00:00Z'), 15))).toBeUndefined();
    expect(directory.get('random-1').inConfig).toBe(false);
  });
});
