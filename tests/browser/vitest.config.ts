import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../tooling/vitest.shared.ts';

// A real browser on a busy 2-core machine: generous timeouts, one file at a time.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: { testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false },
  }),
);
