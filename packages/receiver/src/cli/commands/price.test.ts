import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import type { Command, ParsedArgs } from '../command.js';
import { priceCommand } from './price.js';

/** Runs a command the way main.ts does (same parseArgs options), capturing both streams. */
async function runCli(command: Command, args: string[], yaml = '') {
  const dir = mkdtempSync(join(tmpdir(), 'tl-price-'));
  const configPath = join(dir, 'tokenledger.yaml');
  writeFileSync(configPath, yaml);
  let stdout = '';
  let stderr = '';
  const { values, positionals } = parseArgs({ args, options: command.options, allowPositionals: true, strict: true });
  const code = await command.run({ values: values as ParsedArgs['values'], positionals }, {
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t) },
    loadConfig: () => loadConfig({ env: {}, configPath }),
  });
  return { code, stdout, stderr };
}

describe('tokenledger price', () => {
  it('prints the design.md seed call as JSON decimal strings', async () => {
    const r = await runCli(priceCommand, ['gpt-4o', '--provider', 'openai', '--input', '500', '--output', '200', '--at', '2026-09-01', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      model: 'gpt-4o', provider: 'openai', price_key: 'openai/gpt-4o@2024-10-02', origin: 'catalog', effective_from: '2024-10-02',
      source: 'litellm model_prices_and_context_window.json 2026-07-24 "gpt-4o"; cache-read prices of tiers without one scaled from the base by the input ratio', tier: 'standard', long_context_above: null,
      prices_per_mtok: { input: '2.5', cached_input: '1.25', cache_write: '2.5', cache_write_1h: '2.5', output: '10' },
      usage: { input_tokens: 500, cached_input_tokens: 0, cache_write_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 200, reasoning_tokens: 0 },
      cost_usd: '0.003250000', input_usd: '0.001250000', cached_input_usd: '0.000000000', cache_write_usd: '0.000000000', output_usd: '0.002000000',
    });
  });

  it('prices o3 at the price in force on --at, in text', async () => {
    const r = await runCli(priceCommand, ['o3', '--input', '1000', '--output', '5000', '--reasoning', '4000', '--at', '2025-05-01']);
    expect(r.stdout).toContain('o3 on openai: price key openai/o3@2025-04-16 (catalog, in force from 2025-04-16)');
    expect(r.stdout).toContain('cost: 0.210000000 USD = input 0.010000000 + cached input 0.000000000 + cache write 0.000000000 + output 0.200000000');
  });

  it('bills Claude on Bedrock cache reads and writes from the Bedrock list', async () => {
    const r = await runCli(priceCommand, ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', '--provider', 'aws.bedrock', '--input', '3500', '--cached-input', '2000', '--cache-write', '500', '--output', '100', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ cost_usd: '0.007672500', cached_input_usd: '0.000660000', cache_write_usd: '0.002062500' });
  });

  it('applies overrides from tokenledger.yaml, per client', async () => {
    const yaml = 'pricing:\n  overrides:\n    - { model: gpt-4o, provider: openai, client: acme, input_per_mtok: 2, output_per_mtok: 8 }\n';
    const r = await runCli(priceCommand, ['gpt-4o', '--input', '1000000', '--client', 'acme', '--json'], yaml);
    expect(JSON.parse(r.stdout)).toMatchObject({ origin: 'override', price_key: 'override:acme:openai/gpt-4o@1970-01-01', cost_usd: '2.000000000' });
  });

  it('says so on stderr and exits 1 for an unknown model', async () => {
    const r = await runCli(priceCommand, ['gpt-unknown', '--provider', 'openai', '--input', '5']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'tokenledger price: "gpt-unknown" on openai: unknown model, not priced\n' });
    const early = await runCli(priceCommand, ['o3', '--at', '2024-01-01']);
    expect(early.stderr).toBe('tokenledger price: "o3": no price in force on 2024-01-01\n');
  });

  it('rejects bad flags with one clear line', async () => {
    await expect(runCli(priceCommand, ['gpt-4o', '--input', '5x'])).rejects.toThrow('--input must be a whole number of tokens, got "5x"');
    await expect(runCli(priceCommand, ['gpt-4o', '--input', '10', '--cached-input', '20'])).rejects.toThrow(/must not exceed --input/);
    await expect(runCli(priceCommand, ['gpt-4o', '--at', '2025-02-30'])).rejects.toThrow(/--at must be a date/);
    await expect(runCli(priceCommand, ['gpt-4o', '--tier', 'turbo'])).rejects.toThrow(/--tier must be one of standard, batch, priority, flex/);
    await expect(runCli(priceCommand, [])).rejects.toThrow(/missing <model>/);
  });
});
