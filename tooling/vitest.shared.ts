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
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
};
