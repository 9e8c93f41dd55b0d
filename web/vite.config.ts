import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API runs on the same origin in production (served by Fastify); in `npm run dev:web` Vite proxies it.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: {
    proxy: { '/v1': 'http://localhost:8080', '/.well-known': 'http://localhost:8080' },
  },
});
