import { describe, expect, it } from 'vitest';
import { recordShape, renderEngine, renderStatements, shardingKeyOf, type TableShape } from './engines.js';
import { readMigrations } from './migration-files.js';

const single = { database: 'tl', cluster: null };
const cluster = { database: 'tl', cluster: 'prod' };

describe('engine clauses', () => {
  it('renders the plain engine and one statement on a single node', () => {
    expect(renderEngine('ReplacingMergeTree(revision)', 'llm_calls', single)).toBe('ReplacingMergeTree(revision)');
    expect(renderStatements('CREATE TABLE IF NOT EXISTS {db}.t {on_cluster} (a UInt8) ENGINE = {engine:ReplacingMergeTree(v)} ORDER BY a', single)).toEqual([
      'CREATE TABLE IF NOT EXISTS tl.t  (a UInt8) ENGINE = ReplacingMergeTree(v) ORDER BY a',
    ]);
  });

  it('renders a local Replicated table and a Distributed table under the public name on a cluster', () => {
    expect(renderEngine('SummingMergeTree', 'llm_usage_daily', cluster)).toBe("ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/tl/llm_usage_daily', '{replica}')");
    expect(renderStatements('CREATE TABLE IF NOT EXISTS {db}.t {on_cluster} (trace_id String, a UInt8) ENGINE = {engine:ReplacingMergeTree(v)} ORDER BY (a, trace_id)', cluster)).toEqual([
      "CREATE TABLE IF NOT EXISTS tl.t_local ON CLUSTER prod (trace_id String, a UInt8) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/tl/t', '{replica}', v) ORDER BY (a, trace_id)",
      'CREATE TABLE IF NOT EXISTS tl.t ON CLUSTER prod AS tl.t_local ENGINE = Distributed(prod, tl, t_local, cityHash64(trace_id))',
    ]);
  });

  it('shards by trace_id when there is one, else by the sorting key', () => {
    expect(shardingKeyOf('CREATE TABLE IF NOT EXISTS {db}.c {on_cluster} (id String, v UInt8) ENGINE = {engine:ReplacingMergeTree(v)} ORDER BY id')).toBe('cityHash64(id)');
    expect(shardingKeyOf('CREATE TABLE IF NOT EXISTS {db}.c {on_cluster} (slot UInt64, holder String) ENGINE = {engine:MergeTree} PARTITION BY x ORDER BY (slot, holder)')).toBe(
      'cityHash64(slot, holder)',
    );
    expect(shardingKeyOf('CREATE TABLE IF NOT EXISTS {db}.c {on_cluster} (parent_trace_id String, k String) ENGINE = {engine:MergeTree} ORDER BY k')).toBe('cityHash64(k)');
  });

  it('points materialized views at the local tables', () => {
    expect(renderStatements('CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.v {on_cluster} TO {db}.r AS SELECT a FROM {db}.t', cluster)).toEqual([
      'CREATE MATERIALIZED VIEW IF NOT EXISTS tl.v ON CLUSTER prod TO tl.r_local AS SELECT a FROM tl.t_local',
    ]);
    expect(() => renderStatements('CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.v {on_cluster} ENGINE = {engine:MergeTree} ORDER BY a AS SELECT a FROM {db}.t', cluster)).toThrow(/must write TO a table/);
  });

  it('alters the local tables ON CLUSTER and re-creates the Distributed table when columns change', () => {
    const shapes = new Map<string, TableShape>();
    recordShape('CREATE TABLE IF NOT EXISTS {db}.c {on_cluster} (id String) ENGINE = {engine:MergeTree} ORDER BY id', shapes);
    expect(renderStatements('ALTER TABLE {db}.c {on_cluster} ADD COLUMN n UInt8 DEFAULT 1', cluster, shapes)).toEqual([
      'ALTER TABLE tl.c_local ON CLUSTER prod ADD COLUMN n UInt8 DEFAULT 1',
      'DROP TABLE IF EXISTS tl.c ON CLUSTER prod',
      'CREATE TABLE IF NOT EXISTS tl.c ON CLUSTER prod AS tl.c_local ENGINE = Distributed(prod, tl, c_local, cityHash64(id))',
    ]);
    expect(renderStatements('ALTER TABLE {db}.c {on_cluster} DELETE WHERE id = 1', cluster, shapes)).toEqual(['ALTER TABLE tl.c_local ON CLUSTER prod DELETE WHERE id = 1']);
    expect(() => renderStatements('ALTER TABLE {db}.x {on_cluster} ADD COLUMN n UInt8', cluster, shapes)).toThrow(/no earlier migration creates/);
  });

  it('keeps a plain view on the public names, created on every node', () => {
    const view = 'CREATE VIEW IF NOT EXISTS {db}.v {on_cluster} AS SELECT * FROM {db}.c WHERE id GLOBAL IN (SELECT id FROM {db}.d)';
    expect(renderStatements(view, cluster)).toEqual(['CREATE VIEW IF NOT EXISTS tl.v ON CLUSTER prod AS SELECT * FROM tl.c WHERE id GLOBAL IN (SELECT id FROM tl.d)']);
    expect(renderStatements(view, { database: 'tl', cluster: null })).toEqual(['CREATE VIEW IF NOT EXISTS tl.v  AS SELECT * FROM tl.c WHERE id GLOBAL IN (SELECT id FROM tl.d)']);
  });

  it('refuses a statement it cannot place on a cluster, such as one without {on_cluster}', () => {
    expect(() => renderStatements('CREATE TABLE IF NOT EXISTS {db}.t (a UInt8) ENGINE = {engine:MergeTree} ORDER BY a', cluster)).toThrow(/cannot render for a cluster/);
  });

  // Covers every migration, including ones added later: each must render for a cluster, every table
  // it creates gets a Distributed table, and no statement reaches a table by its public name on DDL.
  it('renders every migration for a cluster', () => {
    const shapes = new Map<string, TableShape>();
    for (const m of readMigrations()) {
      for (const statement of m.statements) {
        const rendered = renderStatements(statement, cluster, shapes);
        for (const r of rendered) expect(r, `migration ${m.name}`).toMatch(/ON CLUSTER prod/);
      }
    }
    expect([...shapes.keys()]).toContain('llm_calls');
    for (const name of shapes.keys()) {
      const create = renderStatements(shapes.get(name)!.created, cluster);
      expect(create[1]).toMatch(new RegExp(`^CREATE TABLE IF NOT EXISTS tl\\.${name} ON CLUSTER prod AS tl\\.${name}_local ENGINE = Distributed\\(prod, tl, ${name}_local, cityHash64\\(`));
    }
  });
});
