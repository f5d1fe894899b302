import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t) },
    env,
    cwd: mkdtempSync(join(tmpdir(), 'tl-cli-')),
  });
  return { code, stdout, stderr };
}

describe('tokenledger CLI', () => {
  it('prints help listing every command, and the version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tokenledger <command>/m);
    for (const name of ['serve', 'migrate', 'usage', 'export']) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const version = await run(['--version']);
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('has --help on every command', async () => {
    const serve = await run(['serve', '--help']);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toMatch(/^Usage: tokenledger serve/);
  });

  it('a bad flag prints one line and exits 2', async () => {
    const bad = await run(['migrate', '--colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^tokenledger migrate: Unknown option '--colour'/);
    expect(await run(['usage', '--from', 'soon'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^tokenledger usage: .*from/) as unknown as string });
    expect(await run(['serve', '--port', '99999'])).toMatchObject({ code: 2 });
  });

  it('an unknown command exits 2; no command prints help to stderr and exits 2', async () => {
    expect(await run(['frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'tokenledger: unknown command "frobnicate" (see tokenledger --help)\n' });
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Commands:/);
  });

  it('a config error names the key on one line and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-cli-cfg-'));
    const file = join(dir, 'tokenledger.yaml');
    writeFileSync(file, 'clients:\n  - id: acme\n    markup_pct: "lots"\n');
    const res = await run(['migrate', '--config', file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`tokenledger migrate: ${file}: clients[0].markup_pct: Invalid input: expected number, received string\n`);
  });
});
