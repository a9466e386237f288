import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Builds the dashboard from src/web into dist/web at the repository root (served by dashboard-routes.ts). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The gateway's CSP forbids inline scripts; keep every asset a file.
    assetsInlineLimit: 0,
  },
  // `npm start` on :8080 serves the API; `npx vite --config src/web/vite.config.ts` proxies to it while developing.
  server: {
    proxy: { '/api': 'http://localhost:8080', '/v1': 'http://localhost:8080' },
  },
});
