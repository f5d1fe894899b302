import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * The second engine: current ClickHouse (chdb, in-process) behind the HTTP interface the suite
 * already speaks (test/support/chdb-server), started for this run and stopped after it. Tests get
 * its URL the way they get the 18.16 server's, so the same files run unchanged on both.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const main = fileURLToPath(new URL('./support/chdb-server/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the chdb test server exited with ${code} before it listened`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  project.provide('clickhouseUrl', url);
  // Closing its stdin stops it; waiting for its exit leaves vitest no open handle to wait on.
  return () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin!.end();
    });
}
