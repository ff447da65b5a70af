import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';
import solid from 'vite-plugin-solid';

const backend = process.env.ATENDE_BACKEND ?? 'http://localhost:3000';

// changeOrigin: false keeps the Host header on the Vite origin, so the server's same-origin
// checks compare the browser's Origin with the host the browser actually talked to.
const toBackend = (extra: ProxyOptions = {}): ProxyOptions => ({ target: backend, changeOrigin: false, ...extra });

const publicDir = fileURLToPath(new URL('./client/public', import.meta.url));

/**
 * Emits /sw.js from client/src/offline/service-worker.js with this build's app shell
 * (index.html, every hashed asset of the agent app, the public files) and a version that
 * changes with any of their contents, so a new build replaces the old cache.
 */
function serviceWorker(): Plugin {
  const template = fileURLToPath(new URL('./client/src/offline/service-worker.js', import.meta.url));
  return {
    name: 'atende-service-worker',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map') && !f.startsWith('widget/'));
      const assets = files.filter((f) => f.startsWith('assets/'));
      const publicFiles = fs.existsSync(publicDir) ? fs.readdirSync(publicDir).filter((f) => !f.startsWith('.')) : [];
      const shell = ['/', ...assets.map((f) => `/${f}`), ...publicFiles.map((f) => `/${f}`)];
      const index = bundle['index.html'];
      const raw = fs.readFileSync(template, 'utf8');
      // Hashed assets change name with their contents; public files (icons, manifest) and the
      // worker itself keep their names, so their bytes go into the version.
      const hash = createHash('sha256')
        .update(shell.join('\n'))
        .update(index && index.type === 'asset' ? String(index.source) : '')
        .update(raw);
      for (const f of publicFiles) hash.update(f).update(fs.readFileSync(`${publicDir}/${f}`));
      const version = hash.digest('hex').slice(0, 16);
      const source = raw.replace('__VERSION__', version).replace('__PRECACHE__', JSON.stringify(shell));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  publicDir,
  plugins: [solid(), serviceWorker()],
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    // Two pages: the agent app and the customer web chat widget (served at /widget).
    rolldownOptions: {
      // The "slow plugin" timing report is for build tuning, not for someone starting Atende.
      checks: { bundlerTimings: false },
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
