import { describe, expect, it } from 'vitest';
import { renderEngine, renderStatement } from './engines.js';

describe('engine clauses', () => {
  it('renders the plain engine on a single node', () => {
    expect(renderEngine('ReplacingMergeTree(revision)', 'llm_calls', { database: 'tl', cluster: null })).toBe('ReplacingMergeTree(revision)');
  });

  it('renders the Replicated engine and ON CLUSTER on a cluster', () => {
    const target = { database: 'tl', cluster: 'prod' };
    expect(renderEngine('SummingMergeTree', 'llm_usage_daily', target)).toBe(
      "ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/tl/llm_usage_daily', '{replica}')",
    );
    expect(renderStatement('CREATE TABLE IF NOT EXISTS {db}.t {on_cluster} (a UInt8) ENGINE = {engine:ReplacingMergeTree(v)} ORDER BY a', target)).toBe(
      "CREATE TABLE IF NOT EXISTS tl.t ON CLUSTER prod (a UInt8) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/tl/t', '{replica}', v) ORDER BY a",
    );
  });
});
