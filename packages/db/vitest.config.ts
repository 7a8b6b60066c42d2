import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../tooling/vitest.shared.ts';

export default defineConfig({
  ...sharedTestConfig,
  // Real PostgreSQL round trips under a loaded 2-core machine need more than the default.
  test: { ...sharedTestConfig.test, testTimeout: 60_000 },
});
