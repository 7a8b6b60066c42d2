import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../tooling/vitest.shared.ts';

// As in packages/db: no explicit 'import' condition, or `pg` would load pg-pool's ESM build from
// require() and fail ("Class extends value [object Module]"). Vite adds 'import' to ESM imports.
const conditions = ['@agentmint/source', 'module', 'node', 'default'];

// Two projects: `security` (input, tokens, isolation, limits) and `faults` (load, PostgreSQL
// outages, model faults, shutdown). Plain `vitest run` runs both, so CI's `turbo run test` does.
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@agentmint/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'security',
          include: ['test/**/*.test.ts'],
          testTimeout: sharedTestConfig.test?.testTimeout ?? 20_000,
          hookTimeout: sharedTestConfig.test?.hookTimeout ?? 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['faults/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
