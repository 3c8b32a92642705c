import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `vite build web` writes web/dist, which the node serves on its HTTP port. `vite web` serves the
// UI with hot reload and forwards the API to a node on 8080 (OPENUCM_DEV_API to change it).
const api = process.env.OPENUCM_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': api, '/metrics': api } },
});
