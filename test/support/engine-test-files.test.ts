import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clickhouseTestFiles } from './engine-test-files.js';

describe('which test files run on every ClickHouse engine', () => {
  const root = mkdtempSync(join(tmpdir(), 'tl-engine-files-'));
  const file = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // Written through a function so this file's own text names no module it does not import.
  const from = (specifier: string) => `import { x } from '${specifier}';\n`;

  it('takes every test that reaches test/support/clickhouse.ts, directly or through other modules, and no other', () => {
    file('test/support/clickhouse.ts', 'export const url = 1;\n');
    file('test/support/receiver.ts', `${from('./clickhouse.js')}export const r = 1;\n`);
    file('test/support/pure.ts', 'export const p = 1;\n');
    file('test/via-receiver.test.ts', from('./support/receiver.js'));
    file('test/dynamic.test.ts', `const m = await import("${'./support/clickhouse.js'}");\n`);
    file('test/pure.test.ts', from('./support/pure.js') + from('vitest'));
    file('packages/receiver/src/store/calls.test.ts', from('../../../../test/support/clickhouse.js'));
    file('packages/receiver/src/store/unit.test.ts', from('./calls.js'));
    file('packages/receiver/src/store/calls.ts', 'export const calls = 1;\n');
    file('test/cycle-a.test.ts', from('./support/cycle-b.js'));
    file('test/support/cycle-b.ts', from('../cycle-a.test.js'));
    expect(clickhouseTestFiles(root)).toEqual(['packages/receiver/src/store/calls.test.ts', 'test/dynamic.test.ts', 'test/via-receiver.test.ts']);
  });
});
