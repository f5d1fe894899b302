import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The cluster lane (scripts/test.sh runs it after the main suite): a real 2 x 2 ClickHouse 18.16
// cluster from scripts/cluster.sh, and the single-node ClickHouse as the reference. Same aliases as
// the main suite; its own files, longer timeouts, one file at a time (they share the cluster).
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // The main config's two engine projects would replace this include; the lane is one project.
    projects: undefined,
    include: ['test/cluster/**/*.cluster.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts', 'test/cluster/global-setup.ts'],
  },
});
