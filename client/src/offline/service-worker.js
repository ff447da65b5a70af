/* Atende's service worker: the app shell for offline reloads (SPEC §8).
 * Built by the `atende-service-worker` plugin of vite.config.ts, which fills in the
 * build's version and file list. Never touches the API, the sync socket or uploads:
 * data offline comes from the persisted query cache and the Yjs documents in IndexedDB. */
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `atende-shell-${VERSION}`;
const NEVER = ['/trpc', '/sync', '/uploads', '/webchat', '/widget', '/healthz', '/metrics'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('atende-shell-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((p) => url.pathname === p || url.pathname.startsWith(`${p}/`))) return;
  if (request.mode === 'navigate') event.respondWith(page(request));
  else if (url.pathname.startsWith('/assets/') || PRECACHE.includes(url.pathname)) event.respondWith(asset(request));
});

/** Every page of the app is index.html: the network's when it answers, else the cached one. */
async function page(request) {
  try {
    const response = await fetch(request);
    if (response.ok && (response.headers.get('content-type') || '').startsWith('text/html')) {
      const cache = await caches.open(CACHE);
      await cache.put('/', response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match('/', { cacheName: CACHE });
    if (cached) return cached;
    throw error;
  }
}

/** Hashed files never change: the cached copy, else the network's (kept for next time). */
async function asset(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}
