import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The web client builds into dist/web, next to the compiled server, which serves it at /.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The server's CSP allows no inline code, so no module preload polyfill inlined either.
    modulePreload: { polyfill: false },
  },
  server: {
    // `npx vite web` for client work against a running server (npm start).
    proxy: { '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
