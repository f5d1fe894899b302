import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../packages/receiver/src/config/load-config.js';

describe('the tokenledger.yaml example in the README', () => {
  it('is a valid config', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const config = parseFileConfig(yaml, 'README.md');
    expect(config.clients[0]).toMatchObject({ id: 'acme', markup_pct: 25, monthly_budget_usd: 500, hard_cap: true });
    expect(config.settle).toMatchObject({ interval_seconds: 30, window_minutes: 60 });
    expect(config.retention_days).toBe(400);
    expect(config.limits).toMatchObject({ max_tokens_per_call: 100_000_000, max_cost_usd_per_call: 1_000, max_span_age_days: 400 });
  });
});
