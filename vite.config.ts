import { fileURLToPath } from 'node:url';
import { defineConfig, type ProxyOptions } from 'vite';
import solid from 'vite-plugin-solid';

const backend = process.env.ATENDE_BACKEND ?? 'http://localhost:3000';

// changeOrigin: false keeps the Host header on the Vite origin, so the server's same-origin
// checks compare the browser's Origin with the host the browser actually talked to.
const toBackend = (extra: ProxyOptions = {}): ProxyOptions => ({ target: backend, changeOrigin: false, ...extra });

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [solid()],
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    // Two pages: the agent app and the customer web chat widget (served at /widget).
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('./client/index.html', import.meta.url)),
        widget: fileURLToPath(new URL('./client/widget/index.html', import.meta.url)),
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/trpc': toBackend(),
      '/uploads': toBackend(),
      '/webchat': toBackend(),
      '/widget/embed.js': toBackend(),
      '/healthz': toBackend(),
      '/sync': toBackend({ ws: true }),
    },
  },
});
