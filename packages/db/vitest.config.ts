import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../tooling/vitest.shared.ts';

// Without an explicit 'import' condition: it leaks into require() of dual packages, so `pg` would
// load pg-pool's ESM build and fail ("Class extends value [object Module]"). Vite adds 'import' to
// ESM imports by itself.
const conditions = ['@agentmint/source', 'module', 'node', 'default'];

export default defineConfig({
  ...sharedTestConfig,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@agentmint/source'] } },
  test: { ...sharedTestConfig.test, testTimeout: 60_000 },
});
