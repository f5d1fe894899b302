import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../config/load-config.js';
import { main } from '../main.js';

async function run(argv: string[], yaml: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tl-gateway-'));
  writeFileSync(join(dir, 'tokenledger.yaml'), yaml);
  let stderr = '';
  const code = await main(argv, { stdout: { write: () => undefined }, stderr: { write: (t) => void (stderr += t) }, env, cwd: dir });
  return { code, stderr };
}

const KEY = 'a'.repeat(64);

describe('tokenledger gateway', () => {
  it("the receiver's config file accepts a gateway: section (serve and gateway read the same tokenledger.yaml)", () => {
    const file = parseFileConfig(`clients: [{ id: acme }]\ngateway:\n  receiver_url: http://tokenledger:4318\n  keys: [{ client: acme, key_sha256: ${KEY} }]\n`, 'tokenledger.yaml');
    expect(file.clients.map((c) => c.id)).toEqual(['acme']);
  });

  it('a bad --port is one line and exit 2', async () => {
    const result = await run(['gateway', '--port', '80a'], '');
    expect(result).toEqual({ code: 2, stderr: 'tokenledger gateway: --port must be an integer from 0 to 65535, got "80a"\n' });
  });

  it('a bad key in the gateway section is one line naming it, exit 1', async () => {
    const result = await run(['gateway'], 'gateway:\n  keys: [{ client: acme, key_sha256: nothex }]\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tokenledger gateway: .*tokenledger\.yaml: gateway: keys\.0\.key_sha256: 64 hex digits: the sha256 of the virtual key, never the key itself\n$/);
    const unknown = await run(['gateway'], 'gateway:\n  upstream: {}\n');
    expect(unknown.stderr).toMatch(/gateway: \(root\): Unrecognized key: "upstream"/);
  });

  it('virtual keys without any real provider key cannot work: refused at start', async () => {
    const result = await run(['gateway'], `gateway:\n  keys: [{ client: acme, key_sha256: ${KEY} }]\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('set at least one of OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY');
  });

  it('passes the hard caps of the same file on: with the receiver unreachable, a hard-capped client is refused, another served', async () => {
    const upstream = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"c1","choices":[]}')));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    // Takes spans, resets every budget read: a receiver the budget API cannot be reached on.
    const probe = createServer((req, res) => (req.url === '/v1/traces' ? req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')) : req.socket.destroy()));
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const receiver = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    const yaml = `clients:\n  - { id: capped, monthly_budget_usd: 10, hard_cap: true }\n  - { id: open, monthly_budget_usd: 10 }\ngateway:\n  receiver_url: ${receiver}\n  upstreams: { openai: { base_url: 'http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1' } }\n`;
    const dir = mkdtempSync(join(tmpdir(), 'tl-gateway-'));
    writeFileSync(join(dir, 'tokenledger.yaml'), yaml);
    let stderr = '';
    const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
    const running = main(['gateway', '--port', '0'], { stdout: { write: () => undefined }, stderr: { write: (t) => void (stderr += t) }, env: {}, cwd: dir });
    await expect.poll(() => /listening on (\S+)/.exec(stderr)?.[1]).toBeDefined();
    const url = /listening on (\S+)/.exec(stderr)![1]!;
    const call = (client: string) => fetch(`${url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'x-tokenledger-client': client }, body: '{"model":"gpt-4o-mini","messages":[]}' });
    const refused = await call('capped');
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('budget_unavailable');
    expect((await call('open')).status).toBe(200);
    // Stop it as SIGTERM would, through the command's own handler only.
    const added = (signal: 'SIGTERM' | 'SIGINT') => process.listeners(signal).filter((l) => !before[signal].includes(l));
    const [stop] = added('SIGTERM');
    for (const signal of ['SIGTERM', 'SIGINT'] as const) for (const l of added(signal)) process.removeListener(signal, l);
    (stop as () => void)();
    expect(await running).toBe(0);
    await Promise.all([new Promise((resolve) => upstream.close(resolve)), new Promise((resolve) => probe.close(resolve))]);
  }, 30_000);
});
