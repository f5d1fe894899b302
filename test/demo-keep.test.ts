import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../packages/receiver/src/cli/main.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';

describe('tokenledger demo --keep', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('demo_keep');
  });
  afterAll(async () => db.drop());

  it('keeps its receiver running after the report, prints the portal URL and a token that signs in, and stops on SIGINT', async () => {
    let stdout = '';
    const run = main(['demo', '--calls', '50', '--keep'], {
      stdout: { write: (t) => void (stdout += t) },
      stderr: { write: () => undefined },
      env: { CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name, PORT: '0', TOKENLEDGER_LISTEN_HOST: '127.0.0.1', TOKENLEDGER_INGEST_TOKENS: 'demo-ingest', TOKENLEDGER_API_TOKENS: 'demo-operator,acme=demo-acme' },
      cwd: '/nonexistent',
    });
    for (let i = 0; i < 300 && !stdout.includes('Ctrl-C'); i += 1) await new Promise((r) => setTimeout(r, 100));
    const portal = /^Portal: (http:\/\/127\.0\.0\.1:\d+)\/portal$/m.exec(stdout);
    expect(portal, stdout).not.toBeNull();
    expect(stdout).toContain('sign in as acme with the token: demo-acme\n');
    expect(stdout).toContain('sign in as the operator (all clients) with the token: demo-operator\n');
    const base = portal![1]!;
    const form = await fetch(`${base}/portal/sign-in`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
    const signIn = await fetch(`${base}/portal/sign-in`, { method: 'POST', redirect: 'manual', headers: { cookie }, body: new URLSearchParams({ csrf, token: 'demo-acme' }) });
    expect(signIn.status).toBe(303);
    const session = signIn.headers.getSetCookie().find((c) => c.startsWith('tokenledger_session='))!.split(';')[0]!;
    const page = await fetch(`${base}/portal/clients/acme`, { headers: { cookie: session } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-figure="billed"');
    process.emit('SIGINT');
    expect(await run).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('refuses --keep with --endpoint in one line', async () => {
    let stderr = '';
    const code = await main(['demo', '--keep', '--endpoint', 'http://127.0.0.1:1'], { stdout: { write: () => undefined }, stderr: { write: (t) => void (stderr += t) }, env: {}, cwd: '/nonexistent' });
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('--keep');
  });
});
