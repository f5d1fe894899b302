/**
 * Engine clauses and DDL live here and only here, so cluster mode is a parameter rather than a
 * second schema: migrations name the engine as `{engine:ReplacingMergeTree(revision)}` and the
 * DDL prefix as `{on_cluster}`, and this module renders them for a single node or a cluster.
 *
 * On a cluster (docs/scaling.md) every table a migration creates becomes two:
 *  - `<name>_local`, a Replicated table on every node (one copy per replica of its shard), and
 *  - `<name>`, a Distributed table over the locals, so SQL users, Grafana and the receiver query the
 *    public name as on one node.
 * Rows are sharded by `cityHash64(trace_id)` when the table has a trace_id (a span, its re-sends and
 * its trace meet on one shard, where FINAL and the already-stored check see them together), else by
 * a hash of the sorting key (every version of a ReplacingMergeTree row, and every part of a
 * SummingMergeTree sum, meets on one shard). Materialized views read and write the local tables, so
 * each shard rolls up its own calls. ALTERs go to the local tables ON CLUSTER (18.16 refuses ALTER
 * ON CLUSTER on a Distributed table), and a Distributed table whose columns changed is re-created.
 */

import { TokenLedgerError } from '../errors.js';

export interface SchemaTarget {
  database: string;
  /** A cluster name from the server's remote_servers, or null for a single node. */
  cluster: string | null;
}

/** What the renderer knows of a table from its CREATE statement: enough to re-create its Distributed table. */
export interface TableShape {
  name: string;
  /** The CREATE statement as written in the migration. */
  created: string;
}

export class SchemaRenderError extends TokenLedgerError {
  constructor(message: string) {
    super('schema_render_failed', message);
  }
}

const ENGINE_PATTERN = /^(Replacing|Summing|Aggregating|Collapsing)?MergeTree(?:\((.*)\))?$/;
const CREATE_TABLE = /^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+\{db\}\.(\w+)\s+\{on_cluster\}/i;
const CREATE_VIEW = /^CREATE\s+MATERIALIZED\s+VIEW\s+IF\s+NOT\s+EXISTS\s+\{db\}\.(\w+)\s+\{on_cluster\}/i;
const PLAIN_VIEW = /^CREATE\s+VIEW\s+IF\s+NOT\s+EXISTS\s+\{db\}\.(\w+)\s+\{on_cluster\}/i;
const ALTER_TABLE = /^ALTER\s+TABLE\s+\{db\}\.(\w+)\s+\{on_cluster\}/i;
const DROP_TABLE = /^DROP\s+TABLE\s+IF\s+EXISTS\s+\{db\}\.(\w+)\s+\{on_cluster\}/i;
const CHANGES_COLUMNS = /\b(ADD|DROP|MODIFY|RENAME|CLEAR)\s+COLUMN\b/i;
const LOCAL_SUFFIX = '_local';

/** The name of the Replicated table behind a public name on a cluster (the public name itself on one node). */
export function localTable(name: string, target: SchemaTarget): string {
  return target.cluster ? `${name}${LOCAL_SUFFIX}` : name;
}

export function onCluster(target: SchemaTarget): string {
  return target.cluster ? `ON CLUSTER ${target.cluster}` : '';
}

/** Renders `ReplacingMergeTree(revision)` as itself, or as its Replicated form on a cluster. */
export function renderEngine(spec: string, table: string, target: SchemaTarget): string {
  const match = ENGINE_PATTERN.exec(spec.trim());
  if (!match) throw new SchemaRenderError(`unsupported engine in migration: ${spec}`);
  if (!target.cluster) return spec.trim();
  const family = match[1] ?? '';
  const args = match[2] ? `, ${match[2]}` : '';
  return `Replicated${family}MergeTree('/clickhouse/tables/{shard}/${target.database}/${table}', '{replica}'${args})`;
}

/** The expression list after ORDER BY, without its parentheses. */
function sortingKey(statement: string): string {
  const match = /\bORDER\s+BY\s+([\s\S]+?)\s*(?:\bSETTINGS\b|\bSAMPLE\s+BY\b|\bTTL\b|\bPRIMARY\s+KEY\b|$)/i.exec(statement);
  if (!match) throw new SchemaRenderError('a table needs an ORDER BY to be sharded');
  const key = match[1]!.trim();
  return key.startsWith('(') && key.endsWith(')') ? key.slice(1, -1).trim() : key;
}

/** cityHash64(trace_id) when the table has that column, else a hash of the sorting key (see the module comment). */
export function shardingKeyOf(createStatement: string): string {
  const columns = /\(([\s\S]*?)\)\s*ENGINE\b/i.exec(createStatement)?.[1] ?? '';
  if (/(^|[\s(,])trace_id\s+String\b/.test(columns)) return 'cityHash64(trace_id)';
  return `cityHash64(${sortingKey(createStatement)})`;
}

function fill(statement: string, target: SchemaTarget, table: string): string {
  return statement
    .replace(/\{engine:([^}]+)\}/g, (_, spec: string) => renderEngine(spec, table, target))
    .replace(/\{on_cluster\}/g, onCluster(target))
    .replace(/\{db\}/g, target.database);
}

function distributedTable(shape: TableShape, target: SchemaTarget): string {
  const db = target.database;
  return `CREATE TABLE IF NOT EXISTS ${db}.${shape.name} ${onCluster(target)} AS ${db}.${localTable(shape.name, target)} ENGINE = Distributed(${target.cluster}, ${db}, ${localTable(shape.name, target)}, ${shardingKeyOf(shape.created)})`;
}

/** `{db}.<name>` as the local table, for every name but `except` (a view's own name). */
function toLocalNames(statement: string, target: SchemaTarget, except: string): string {
  return statement.replace(/\{db\}\.(\w+)/g, (whole, name: string) => (name === except ? whole : `{db}.${localTable(name, target)}`));
}

/**
 * The statements that carry out one migration statement. `shapes` holds what earlier CREATEs
 * declared (filled in as this runs), so an ALTER can re-create its table's Distributed table.
 */
export function renderStatements(statement: string, target: SchemaTarget, shapes: Map<string, TableShape> = new Map()): string[] {
  const text = statement.trim();
  const created = CREATE_TABLE.exec(text)?.[1];
  recordShape(text, shapes);
  if (!target.cluster) return [fill(text, target, created ?? CREATE_VIEW.exec(text)?.[1] ?? 'unknown')];

  if (created) {
    const local = text.replace(CREATE_TABLE, `CREATE TABLE IF NOT EXISTS {db}.${localTable(created, target)} {on_cluster}`);
    return [fill(local, target, created), distributedTable(shapes.get(created)!, target)];
  }
  const view = CREATE_VIEW.exec(text)?.[1];
  if (view) {
    if (/\{engine:/.test(text)) throw new SchemaRenderError(`materialized view ${view} must write TO a table (its own inner table would not be sharded)`);
    return [fill(toLocalNames(text, target, view), target, view)];
  }
  // A plain view stores nothing: on every node it reads the public (Distributed) names, so it
  // sees the whole cluster; its subqueries must say GLOBAL IN, as 18.16 refuses a plain IN there.
  const plainView = PLAIN_VIEW.exec(text)?.[1];
  if (plainView) return [fill(text, target, plainView)];
  const altered = ALTER_TABLE.exec(text)?.[1];
  if (altered) {
    const alter = fill(toLocalNames(text, target, ''), target, altered);
    if (!CHANGES_COLUMNS.test(text)) return [alter];
    const shape = shapes.get(altered);
    if (!shape) throw new SchemaRenderError(`ALTER of ${altered}, which no earlier migration creates`);
    return [alter, `DROP TABLE IF EXISTS ${target.database}.${altered} ${onCluster(target)}`, distributedTable(shape, target)];
  }
  const dropped = DROP_TABLE.exec(text)?.[1];
  if (dropped) {
    return [fill(text, target, dropped), fill(toLocalNames(text, target, ''), target, dropped)];
  }
  throw new SchemaRenderError(
    `cannot render for a cluster (expected CREATE TABLE|VIEW|MATERIALIZED VIEW IF NOT EXISTS, ALTER TABLE or DROP TABLE IF EXISTS on {db}.<name> {on_cluster}): ${text.slice(0, 80)}`,
  );
}

/** Notes what a statement does to the set of tables (an already applied migration still declares its tables). */
export function recordShape(statement: string, shapes: Map<string, TableShape>): void {
  const text = statement.trim();
  const created = CREATE_TABLE.exec(text)?.[1];
  if (created) shapes.set(created, { name: created, created: text });
  const dropped = DROP_TABLE.exec(text)?.[1];
  if (dropped) shapes.delete(dropped);
}
