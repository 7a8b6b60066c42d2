// Two pages: the React Query app, and a page with only the typed client (its size is reported).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: {
    manifest: true,
    rollupOptions: { input: { app: 'index.html', client: 'client.html' } },
  },
});
