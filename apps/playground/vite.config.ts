import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// apps/server serves the build at /playground and the API beside it (same origin). `pnpm dev`
// proxies the API to a server on AGENTMINT_URL (default http://127.0.0.1:7777).
export default defineConfig({
  base: '/playground/',
  plugins: [react()],
  // Workspace packages from source: no package build needed before the playground's.
  resolve: { conditions: ['@agentmint/source', 'module', 'browser', 'development|production'] },
  server: {
    proxy: { '/trpc': process.env.AGENTMINT_URL ?? 'http://127.0.0.1:7777' },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
