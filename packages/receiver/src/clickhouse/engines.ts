/**
 * Engine clauses live here and only here, so cluster mode is a parameter rather than a second
 * schema: migrations name the engine as `{engine:ReplacingMergeTree(revision)}` and the DDL
 * prefix as `{on_cluster}`, and this module renders them for a single node or a cluster.
 */

export interface SchemaTarget {
  database: string;
  /** A cluster name from the server's remote_servers, or null for a single node. */
  cluster: string | null;
}

const ENGINE_PATTERN = /^(Replacing|Summing|Aggregating|Collapsing)?MergeTree(?:\((.*)\))?$/;

/** Renders `ReplacingMergeTree(revision)` as itself, or as its Replicated form on a cluster. */
export function renderEngine(spec: string, table: string, target: SchemaTarget): string {
  const match = ENGINE_PATTERN.exec(spec.trim());
  if (!match) throw new Error(`unsupported engine in migration: ${spec}`);
  if (!target.cluster) return spec.trim();
  const family = match[1] ?? '';
  const args = match[2] ? `, ${match[2]}` : '';
  return `Replicated${family}MergeTree('/clickhouse/tables/{shard}/${target.database}/${table}', '{replica}'${args})`;
}

/** Fills the placeholders of one migration statement. */
export function renderStatement(statement: string, target: SchemaTarget): string {
  const table = /CREATE\s+(?:TABLE|MATERIALIZED VIEW)\s+IF NOT EXISTS\s+\{db\}\.(\w+)/i.exec(statement)?.[1] ?? 'unknown';
  return statement
    .replace(/\{engine:([^}]+)\}/g, (_, spec: string) => renderEngine(spec, table, target))
    .replace(/\{on_cluster\}/g, target.cluster ? `ON CLUSTER ${target.cluster}` : '')
    .replace(/\{db\}/g, target.database);
}
