/**
 * This browser's Web Push subscription (Push API): the service worker registered by main.tsx
 * receives the pushes (client/src/offline/service-worker.js). The server decides what to send
 * and to which of the user's devices (docs/operations.md "Push notifications").
 */

export const pushSupported = (): boolean =>
  typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** The service worker's registration, when one controls (or will control) this page. */
async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!pushSupported()) return null;
  return (await navigator.serviceWorker.getRegistration('/')) ?? null;
}

/** This browser's current push subscription, if any. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

const toBase64url = (buffer: ArrayBuffer | null): string =>
  buffer
    ? btoa(String.fromCharCode(...new Uint8Array(buffer)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '')
    : '';

export type PushRefusal = 'unsupported' | 'denied' | { failed: string };

/**
 * Asks the notification permission (from the click that turned push on) and subscribes with
 * the server's public key; a subscription made with another key (the server's keys changed)
 * is replaced. Returns what the server needs, or why it cannot be done.
 */
export async function subscribeThisBrowser(
  publicKey: string,
): Promise<{ endpoint: string; keys: { p256dh: string; auth: string } } | PushRefusal> {
  const reg = await registration();
  if (!reg) return 'unsupported';
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') return 'denied';
  try {
    const key = keyBytes(publicKey);
    let sub = await reg.pushManager.getSubscription();
    const sameKey = sub?.options.applicationServerKey && toBase64url(sub.options.applicationServerKey) === publicKey;
    if (sub && !sameKey) {
      await sub.unsubscribe();
      sub = null;
    }
    sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    return { endpoint: sub.endpoint, keys: { p256dh: toBase64url(sub.getKey('p256dh')), auth: toBase64url(sub.getKey('auth')) } };
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}

/** Ends this browser's subscription (the server forgets it separately). */
export async function unsubscribeThisBrowser(): Promise<void> {
  const sub = await currentSubscription();
  await sub?.unsubscribe().catch(() => false);
}

/** A short name for this device, from its user agent ("Chrome on Android"); the person sees it in the list. */
export function deviceLabel(userAgent: string): string {
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : '';
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Mac OS X/.test(userAgent)
        ? 'macOS'
        : /Windows/.test(userAgent)
          ? 'Windows'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : '';
  return [browser, system].filter(Boolean).join(' · ');
}
