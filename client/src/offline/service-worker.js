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

/* Push notifications (docs/operations.md "Push notifications"): the server's alert, decrypted
 * by the browser, is shown unless a focused window of the app already shows that conversation;
 * a click focuses a window of the app on the conversation, or opens one. */
self.addEventListener('push', (event) => {
  let alert = null;
  try {
    alert = event.data ? event.data.json() : null;
  } catch {
    alert = null;
  }
  if (!alert || typeof alert.title !== 'string') return;
  event.waitUntil(showAlert(alert));
});

/** Only paths of this app are opened: the payload comes from our server, but a click must never leave the site. */
function alertPath(alert) {
  const url = new URL(typeof alert.url === 'string' ? alert.url : '/', self.location.origin);
  return url.origin === self.location.origin ? url.pathname + url.search : '/';
}

async function showAlert(alert) {
  const path = alertPath(alert);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((w) => w.focused && w.visibilityState === 'visible' && new URL(w.url).pathname === path)) return;
  await self.registration.showNotification(alert.title, {
    body: typeof alert.body === 'string' ? alert.body : '',
    // A newer alert of the same conversation replaces the older one, and rings again.
    tag: typeof alert.tag === 'string' ? alert.tag : undefined,
    renotify: typeof alert.tag === 'string',
    icon: '/icon-192.png',
    badge: '/icon-192.png',
    data: { url: path },
  });
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = typeof event.notification.data?.url === 'string' ? event.notification.data.url : '/';
  event.waitUntil(openPath(path));
});

async function openPath(path) {
  const target = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((w) => w.url === target) ?? windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (open) {
    const focused = await open.focus();
    if (open.url !== target && 'navigate' in focused) await focused.navigate(target).catch(() => undefined);
    return;
  }
  await self.clients.openWindow(target);
}
