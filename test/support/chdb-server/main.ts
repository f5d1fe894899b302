import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { ChdbEngine } from './chdb-engine.js';
import { createChdbHttpServer } from './http-server.js';

/**
 * `tsx test/support/chdb-server/main.ts [port]`: current ClickHouse (chdb, in this process) behind
 * the HTTP interface on 127.0.0.1, over a fresh data directory removed on exit. Prints its URL
 * as the first line on stdout, and exits when stdin closes, so it never outlives the test run
 * that started it.
 */
const dir = mkdtempSync(join(tmpdir(), 'tokenledger-chdb-'));
const engine = new ChdbEngine(new Session(dir));
const version = (await engine.run({ sql: 'SELECT version()', database: 'default', settings: new Map(), defaultFormat: 'TabSeparated', externalTables: [] })).body;
const server = createChdbHttpServer(engine, Buffer.from(version).toString('utf8').trim());

function stop(): void {
  server.close();
  engine.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`http://127.0.0.1:${address.port}\n`);
});
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
