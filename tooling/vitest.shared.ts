import type { ViteUserConfig } from 'vitest/config';

// Tests run on source: resolve workspace packages through their `@agentmint/source` export condition.
// No explicit 'import': it would leak into require() of dual packages (pg would load pg-pool's ESM
// build and fail); Vite adds 'import' to ESM imports by itself.
const conditions = ['@agentmint/source', 'module', 'node', 'default'];

export const sharedTestConfig: ViteUserConfig = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@agentmint/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'] },
    // Bounds for hangs, not speed checks: a busy 2-core CI box must never trip them.
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
};
