import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, so no build is needed before `vitest`.
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
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
