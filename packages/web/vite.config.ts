import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * One single-page app for /admin (Control Center), /my and /signin. Assets are emitted under
 * /assets/ at the site root (base '/'), which the server serves for every client-side route.
 * `npm run dev -w packages/web` proxies the API to a running server (LATCHKEY_API, default
 * http://127.0.0.1:8080).
 */
const api = process.env.LATCHKEY_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: true },
      '/oidc': { target: api, changeOrigin: true },
      '/.well-known': { target: api, changeOrigin: true },
      '/openapi.json': { target: api, changeOrigin: true },
      '/healthz': { target: api, changeOrigin: true },
    },
  },
});
