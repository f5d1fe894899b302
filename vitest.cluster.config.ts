import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// The cluster lane (scripts/test.sh runs it after the main suite): a real 2 x 2 ClickHouse 18.16
// cluster from scripts/cluster.sh, and the single-node ClickHouse as the reference.
export default defineConfig({
  resolve: {
    alias: {
      '@tokenledger/pricing': src('pricing'),
      '@tokenledger/receiver': src('receiver'),
      '@tokenledger/otel': src('otel'),
    },
  },
  test: {
    include: ['test/cluster/**/*.cluster.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts', 'test/cluster/global-setup.ts'],
  },
});
