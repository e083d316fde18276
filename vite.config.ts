import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The service serves the built console from dist/console (server/app.ts); `npm run dev`-style use
// of `vite` proxies the API to a service running on :3000 so cookies stay same-origin.
const service = 'http://127.0.0.1:3000';

export default defineConfig({
  root: 'console',
  base: '/',
  plugins: [preact()],
  build: { outDir: '../dist/console', emptyOutDir: true },
  server: {
    proxy: {
      '/api/live': { target: service, ws: true },
      '/api': service,
      '/ticket': service,
      '/healthz': service,
    },
  },
});
