import { mkdtempSync, writeFileSync } from 'node:fs';
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
  it('serve accepts the gateway: section of the same tokenledger.yaml and ignores it', () => {
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
});
