import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseFileConfig } from '../config/load-config.js';

const doc = readFileSync(new URL('../../../../docs/reconciliation.md', import.meta.url), 'utf8');

describe('the reconcile config', () => {
  it('takes the example of docs/reconciliation.md', () => {
    const config = parseFileConfig(/```yaml\n([\s\S]*?)```/.exec(doc)![1]!, 'docs/reconciliation.md').reconcile!;
    expect(config).toMatchObject({ tolerance_pct: 2, schedule_minutes: 60, lookback_days: 3, max_requests_per_second: 2 });
    expect(config.sources[0]).toEqual({ provider: 'openai', admin_key_env: 'OPENAI_ADMIN_KEY', base_url: 'https://api.openai.com/v1', projects: { proj_abc123: 'acme' }, api_keys: { key_xyz789: 'globex' } });
    expect(config.sources[1]).toMatchObject({ provider: 'anthropic', base_url: 'https://api.anthropic.com', workspaces: { wrkspc_01: 'acme' } });
  });

  it('names a bad key', () => {
    expect(() => parseFileConfig('reconcile:\n  sources:\n    - provider: openai\n      workspaces: {}\n', 't.yaml')).toThrow('t.yaml: unknown key reconcile.sources[0].workspaces');
    expect(() => parseFileConfig('reconcile:\n  sources:\n    - provider: gemini\n', 't.yaml')).toThrow(/^t\.yaml: reconcile\.sources\[0\]\.provider/);
  });

  it('reads each admin key from the variable the config names, and nothing else from the environment', async () => {
    const yaml = 'reconcile:\n  sources:\n    - { provider: openai, admin_key_env: ORG_A_ADMIN }\n    - { provider: anthropic }\n';
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const path = join(mkdtempSync(join(tmpdir(), 'tl-rc-')), 'tokenledger.yaml');
    writeFileSync(path, yaml);
    const config = await loadConfig({ env: { ORG_A_ADMIN: 'sk-admin-a', OPENAI_ADMIN_KEY: 'unused', ANTHROPIC_ADMIN_KEY: 'sk-ant-admin-b' }, configPath: path });
    expect(config.adminKeys).toEqual({ ORG_A_ADMIN: 'sk-admin-a', ANTHROPIC_ADMIN_KEY: 'sk-ant-admin-b' });
  });
});
