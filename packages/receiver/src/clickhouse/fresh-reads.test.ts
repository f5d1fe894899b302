import { describe, expect, it } from 'vitest';
import { freshSource } from './fresh-reads.js';

describe('freshSource', () => {
  it('reads the table itself on one node, and on a cluster without a replicas cluster', () => {
    expect(freshSource({ database: 'tl', cluster: null, replicasCluster: null }, 'llm_calls')).toEqual({ from: 'tl.llm_calls', settings: '' });
    expect(freshSource({ database: 'tl', cluster: 'tokenledger' }, 'llm_calls')).toEqual({ from: 'tl.llm_calls', settings: '' });
  });

  it('reads every replica of the local table on a cluster, skipping a replica that is down but not one that is slow', () => {
    expect(freshSource({ database: 'tl', cluster: 'tokenledger', replicasCluster: 'tokenledger_replicas' }, 'work_claims')).toEqual({
      from: "cluster('tokenledger_replicas', tl, work_claims_local)",
      settings: ' SETTINGS skip_unavailable_shards = 1, connect_timeout_with_failover_ms = 1000',
    });
  });
});
