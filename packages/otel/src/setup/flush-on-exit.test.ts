import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../test-support/fake-server.js';

const child = fileURLToPath(new URL('../test-support/exit-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../..', import.meta.url));

let receiver: FakeServer;
beforeAll(async () => {
  receiver = await startFakeServer(() => ({ json: {} }));
});
afterAll(() => receiver.close());

/** Runs the child under tsx; `onReady` is called when it prints "ready". Resolves with its exit code. */
function runChild(mode: string, onReady?: (pid: number) => void): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, receiver.url, mode], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    proc.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('ready')) onReady?.(proc.pid!);
    });
    proc.on('error', reject);
    proc.on('exit', (code) => resolve(code));
  });
}

describe('flushOnExit', () => {
  it('flushes the batched spans when the event loop runs dry (beforeExit)', async () => {
    expect(await runChild('exit')).toBe(0);
    expect(receiver.requests.some((r) => r.body.includes('span-before-exit'))).toBe(true);
  });

  it('flushes on SIGTERM and leaves the exit to the app when it has its own handler', async () => {
    const code = await runChild('sigterm', (pid) => process.kill(pid, 'SIGTERM'));
    expect(receiver.requests.some((r) => r.body.includes('span-before-sigterm'))).toBe(true);
    // The child's own SIGTERM handler cleared its timer, so it ended normally after the flush.
    expect(code).toBe(0);
  });

  it('exits with 143 after flushing when the app has no SIGTERM handler of its own', async () => {
    const code = await runChild('sigterm-bare', (pid) => process.kill(pid, 'SIGTERM'));
    expect(receiver.requests.some((r) => r.body.includes('span-before-sigterm-bare'))).toBe(true);
    expect(code).toBe(143);
  });
});
