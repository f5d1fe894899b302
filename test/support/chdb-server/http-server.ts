import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { ChdbEngine, ExternalTable, StatementRequest } from './chdb-engine.js';
import { firstKeyword } from './statement.js';

/**
 * The part of ClickHouse's HTTP interface that @clickhouse/client and the receiver's external
 * data request use, served by chdb: `GET /ping`; a statement in the `query` parameter or the
 * body; for an INSERT in the URL, its rows in the body (gzip when sent so); external tables as
 * multipart parts with `<name>_structure` / `<name>_format`; every other URL parameter is a
 * setting for that statement. Errors answer as the server does (status, `Code: N. DB::Exception`
 * body, X-ClickHouse-Exception-Code), so the client parses the same code.
 * https://clickhouse.com/docs/interfaces/http
 */

const NOT_SETTINGS = new Set(['query', 'query_id', 'database', 'default_format', 'session_id', 'session_timeout', 'role', 'user', 'password', 'enable_http_compression', 'http_headers_progress_interval_ms']);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

async function externalTables(params: URLSearchParams, req: IncomingMessage, body: Buffer): Promise<{ tables: ExternalTable[]; names: Set<string> }> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) return { tables: [], names: new Set() };
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const tables: ExternalTable[] = [];
  const names = new Set<string>();
  for (const [name, part] of form) {
    const structure = params.get(`${name}_structure`);
    if (!structure || typeof part === 'string') continue;
    tables.push({ name, structure, format: params.get(`${name}_format`) ?? 'TabSeparated', data: Buffer.from(await part.arrayBuffer()) });
    for (const suffix of ['_structure', '_format', '_types']) names.add(name + suffix);
  }
  return { tables, names };
}

async function parseRequest(req: IncomingMessage): Promise<StatementRequest> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const params = url.searchParams;
  const body = await readBody(req);
  const { tables, names } = await externalTables(params, req, body);
  const database = params.get('database') ?? 'default';
  if (!/^\w+$/.test(database)) throw new Error(`Code: 81. DB::Exception: Database ${database} does not exist. (UNKNOWN_DATABASE)`);
  const settings = new Map([...params].filter(([name]) => !NOT_SETTINGS.has(name) && !names.has(name) && !name.startsWith('param_')));
  const inUrl = params.get('query');
  const defaultFormat = params.get('default_format') ?? 'TabSeparated';
  if (inUrl && tables.length === 0 && body.byteLength > 0 && firstKeyword(inUrl) === 'INSERT') {
    return { sql: inUrl, data: body, database, settings, defaultFormat, externalTables: [] };
  }
  const sql = tables.length > 0 || !body.byteLength ? (inUrl ?? '') : inUrl ? `${inUrl}\n${body.toString('utf8')}` : body.toString('utf8');
  return { sql, database, settings, defaultFormat, externalTables: tables };
}

/** The HTTP status a server gives an exception code (a short form of the server's own table). */
function statusOf(code: number): number {
  if ([60, 81, 83].includes(code)) return 404;
  if ([6, 26, 27, 32, 33, 36, 38, 41, 42, 43, 46, 47, 53, 62, 69, 70, 72, 115, 117].includes(code)) return 400;
  if ([192, 193, 194, 195, 497, 516].includes(code)) return 403;
  return 500;
}

function reply(res: ServerResponse, queryId: string, status: number, body: Uint8Array | string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'X-ClickHouse-Query-Id': queryId, 'Content-Type': 'text/plain; charset=UTF-8', ...headers });
  res.end(body);
}

async function handle(engine: ChdbEngine, version: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const queryId = url.searchParams.get('query_id') ?? randomUUID();
  if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) return reply(res, queryId, 200, 'Ok.\n');
  try {
    const request = await parseRequest(req);
    const result = await engine.run(request);
    const summary = { read_rows: String(result.readRows), read_bytes: '0', written_rows: String(result.writtenRows), written_bytes: '0', total_rows_to_read: '0', result_rows: '0', result_bytes: String(result.body.byteLength) };
    reply(res, queryId, 200, result.body, { 'X-ClickHouse-Format': result.format, 'X-ClickHouse-Summary': JSON.stringify(summary) });
  } catch (err) {
    const message = (err as Error).message.replace(/^Query failed: /, '');
    const code = Number(/Code: (\d+)/.exec(message)?.[1] ?? 1001);
    reply(res, queryId, statusOf(code), `${message} (version ${version})\n`, { 'X-ClickHouse-Exception-Code': String(code) });
  }
}

export function createChdbHttpServer(engine: ChdbEngine, version: string): Server {
  return createServer((req, res) => void handle(engine, version, req, res));
}
