import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import type { ParsedArgs } from '../command.js';
import { pricesCommand } from './prices.js';

/** Runs the command the way main.ts does (same parseArgs options), capturing both streams. */
async function runCli(args: string[], yaml = '') {
  const dir = mkdtempSync(join(tmpdir(), 'tl-prices-'));
  const configPath = join(dir, 'tokenledger.yaml');
  writeFileSync(configPath, yaml);
  let stdout = '';
  let stderr = '';
  const { values, positionals } = parseArgs({ args, options: pricesCommand.options, allowPositionals: true, strict: true });
  const code = await pricesCommand.run({ values: values as ParsedArgs['values'], positionals }, {
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t) },
    loadConfig: () => loadConfig({ env: {}, configPath }),
  });
  return { code, stdout, stderr };
}

// A LiteLLM-format price file (USD per token) written by the test itself.
const litellm = JSON.stringify({
  'gpt-4o': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5, cache_read_input_token_cost: 1.25e-6 },
  o3: { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1.5e-6, output_cost_per_token: 6e-6, cache_read_input_token_cost: 5e-7 },
  'gpt-9-new': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 3.75e-8, output_cost_per_token: 1.5e-7 },
  'dall-e-3': { litellm_provider: 'openai', mode: 'image_generation', output_cost_per_image: 0.04 },
});

describe('tokenledger prices list', () => {
  it('lists a provider\'s current prices per 1M tokens', async () => {
    const r = await runCli(['list', '--provider', 'deepseek']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('USD per 1M tokens, current prices (2 entries)');
    expect(r.stdout).toMatch(/deepseek\s+deepseek-chat\s+2025-09-29\s+0\.28\s+0\.028\s+0\.28\s+0\.28\s+0\.42\s+-/);
  });

  it('includes overrides, and answers JSON', async () => {
    const yaml = 'pricing:\n  overrides:\n    - { model: llama-local, provider: vllm, input_per_mtok: 0, output_per_mtok: 0 }\n';
    const r = await runCli(['list', '--provider', 'vllm', '--json'], yaml);
    expect(JSON.parse(r.stdout)).toEqual([{
      provider: 'vllm', model: 'llama-local', kind: 'chat', origin: 'override', client: null, aliases: [], effective_from: '1970-01-01',
      source: 'override (tokenledger.yaml pricing.overrides)', long_context: [],
      prices_per_mtok: { input: '0', cached_input: '0', cache_write: '0', cache_write_1h: '0', output: '0' },
    }]);
  });
});

describe('tokenledger prices diff', () => {
  it('reports added, changed and removed prices against a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tl-prices-')), 'prices.json');
    writeFileSync(file, litellm);
    const r = await runCli(['diff', file, '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.added).toEqual([{ provider: 'openai', model: 'gpt-9-new', input: '0.0375', output: '0.15' }]);
    expect(out.changed).toEqual([
      { provider: 'openai', model: 'o3', field: 'input', from: '2', to: '1.5' },
      { provider: 'openai', model: 'o3', field: 'output', from: '8', to: '6' },
    ]);
    expect(out.removed).toContainEqual({ provider: 'openai', model: 'gpt-5' });
    expect(out.skipped).toEqual([{ key: 'dall-e-3', reason: 'mode image_generation' }]);
  });

  it('reads a URL, in text', async () => {
    const server = createServer((_req, res) => res.end(litellm));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prices.json`;
      const r = await runCli(['diff', url]);
      expect(r.stdout).toContain(`prices diff: built-in catalog vs ${url} (providers: openai)`);
      expect(r.stdout).toContain('  + openai/gpt-9-new  input 0.0375  output 0.15');
      expect(r.stdout).toContain('  ~ openai/o3  input 2 -> 1.5');
    } finally {
      server.close();
    }
  });

  it('fails with one line for a missing file or a bad subcommand', async () => {
    await expect(runCli(['diff', '/nonexistent/prices.json'])).rejects.toThrow('cannot read /nonexistent/prices.json: ENOENT');
    await expect(runCli(['diff'])).rejects.toThrow(/missing <file-or-url>/);
    await expect(runCli(['show'])).rejects.toThrow('unknown subcommand "show" (list or diff)');
  });
});
