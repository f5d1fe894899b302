import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { clickhouseTestFiles } from './test/support/engine-test-files.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, so no build is needed before `vitest`.
// Two projects: every test on ClickHouse 18.16 (the private server or CLICKHOUSE_URL), and every
// ClickHouse-backed test again on current ClickHouse (chdb); `--project clickhouse` runs one.
export default defineConfig({
  resolve: {
    alias: {
      '@tokenledger/pricing': src('pricing'),
      '@tokenledger/receiver': src('receiver'),
      '@tokenledger/otel': src('otel'),
      '@tokenledger/gateway': src('gateway'),
    },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'clickhouse', include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'], globalSetup: ['test/global-setup.ts'] } },
      { extends: true, test: { name: 'chdb', include: clickhouseTestFiles(root), globalSetup: ['test/chdb-global-setup.ts'] } },
    ],
  },
});
