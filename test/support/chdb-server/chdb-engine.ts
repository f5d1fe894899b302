import { randomUUID } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { insertTarget, isRead, settingsList, splitFormat, withSettings, type Settings } from './statement.js';

/**
 * One chdb session driven the way a ClickHouse server is driven over HTTP: one statement at a
 * time with its own settings, output format, external tables and insert body.
 *
 * chdb runs the queries of a session one after another anyway (three concurrent `sleep(1)`
 * take three seconds), so a queue in front of it costs nothing and makes session state safe to
 * use per request: the USE of the request's database, the SET that carries a DDL statement's URL
 * settings and the temporary table that stands in for external data are seen by that request
 * alone.
 */

export interface ExternalTable {
  name: string;
  structure: string;
  format: string;
  data: Buffer;
}

export interface StatementRequest {
  sql: string;
  /** Rows of an `INSERT ... FORMAT F` (the request body when the query came in the URL). */
  data?: Buffer;
  /** The `database` parameter: where unqualified names resolve. */
  database: string;
  settings: Settings;
  defaultFormat: string;
  externalTables: readonly ExternalTable[];
}

export interface StatementResult {
  body: Uint8Array;
  format: string;
  readRows: number;
  writtenRows: number;
}

/** A statement that writes no rows (DDL, ALTER...) ignores how rows would be written. */
const withoutOutputSettings = (settings: Settings): Settings => new Map([...settings].filter(([name]) => !name.startsWith('output_format_')));

export class ChdbEngine {
  private queue: Promise<unknown> = Promise.resolve();
  private database = 'default';

  constructor(private readonly session: Session) {}

  run(request: StatementRequest): Promise<StatementResult> {
    const next = this.queue.then(() => this.runNow(request));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.session.close();
  }

  private async runNow(request: StatementRequest): Promise<StatementResult> {
    if (request.database !== this.database) {
      await this.session.queryAsync(`USE ${request.database}`);
      this.database = request.database;
    }
    for (const table of request.externalTables) await this.loadExternal(table);
    try {
      if (request.data !== undefined) return await this.insert(request.sql, request.data, request.settings);
      if (isRead(request.sql)) return await this.query(withSettings(request.sql, request.settings), request.defaultFormat);
      return await this.withSessionSettings(withoutOutputSettings(request.settings), () => this.query(request.sql, request.defaultFormat));
    } finally {
      for (const table of request.externalTables) await this.session.queryAsync(`DROP TEMPORARY TABLE IF EXISTS ${table.name}`);
    }
  }

  private async query(sql: string, defaultFormat: string): Promise<StatementResult> {
    const format = splitFormat(sql).format ?? defaultFormat;
    const result = await this.session.queryAsync(sql, { format });
    return { body: result.bytes(), format, readRows: result.rowsRead, writtenRows: 0 };
  }

  private async insert(sql: string, data: Buffer, settings: Settings): Promise<StatementResult> {
    const target = insertTarget(sql);
    if (!target) throw new Error(`Code: 62. DB::Exception: the chdb test server takes rows in the body only after INSERT INTO t [(columns)] FORMAT F: ${sql.slice(0, 200)} (SYNTAX_ERROR)`);
    if (target.format === 'RowBinary') return this.insertFromFile(target.table, target.columns, data);
    const summary = await this.session.insert({
      table: target.table,
      values: data,
      format: target.format as 'TabSeparated',
      ...(target.columns ? { columns: target.columns } : {}),
      ...(settings.size ? { settings: Object.fromEntries(settings) } : {}),
    });
    return { body: new Uint8Array(), format: target.format, readRows: 0, writtenRows: summary.rowsWritten };
  }

  /**
   * chdb's insert API takes text formats only; a binary body goes through the file() table
   * function instead, with the target columns' types read from system.columns.
   */
  private async insertFromFile(table: string, columns: readonly string[] | undefined, data: Buffer): Promise<StatementResult> {
    const [db, name] = table.includes('.') ? table.split('.') : [this.database, table];
    const listed = await this.session.queryAsync(
      `SELECT name, type FROM system.columns WHERE database = '${db}' AND table = '${name}' AND default_kind NOT IN ('MATERIALIZED', 'ALIAS') ORDER BY position`,
      { format: 'TabSeparatedRaw' }, // types unescaped: DateTime('UTC'), not DateTime(\'UTC\')
    );
    const types = new Map(Buffer.from(listed.bytes()).toString().trim().split('\n').map((line) => line.split('\t') as [string, string]));
    const names = columns ?? [...types.keys()];
    const file = join(tmpdir(), `chdb-rowbinary-${randomUUID()}.bin`);
    writeFileSync(file, data);
    try {
      const structure = names.map((c) => `${c} ${types.get(c)}`).join(', ').replaceAll("'", "\\'");
      await this.session.queryAsync(`INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM file('${file}', 'RowBinary', '${structure}')`);
    } finally {
      unlinkSync(file);
    }
    return { body: new Uint8Array(), format: 'RowBinary', readRows: 0, writtenRows: 0 };
  }

  /** External data (HTTP only) as a temporary table of the same name, dropped after the query. */
  private async loadExternal(table: ExternalTable): Promise<void> {
    await this.session.queryAsync(`CREATE TEMPORARY TABLE ${table.name} (${table.structure}) ENGINE = Memory`);
    if (table.data.byteLength > 0) await this.session.insert({ table: table.name, values: table.data, format: table.format as 'TabSeparated' });
  }

  /** Settings for a statement that a trailing SETTINGS clause cannot carry (DDL, ALTER...). */
  private async withSessionSettings<T>(settings: Settings, fn: () => Promise<T>): Promise<T> {
    if (settings.size === 0) return fn();
    const names = [...settings.keys()].map((n) => `'${n.replace(/'/g, '')}'`).join(', ');
    const before = (await this.session.queryAsync(`SELECT name, value FROM system.settings WHERE name IN (${names})`, { format: 'JSONEachRow' }))
      .text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { name: string; value: string });
    await this.session.queryAsync(`SET ${settingsList(settings)}`);
    try {
      return await fn();
    } finally {
      if (before.length) await this.session.queryAsync(`SET ${settingsList(new Map(before.map((s) => [s.name, s.value])))}`);
    }
  }
}
