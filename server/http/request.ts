import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'atende_session';

/**
 * The largest tRPC request body. Every procedure's input is bounded by its schema and the
 * largest (a team's 1000 members, a 4000-character canned response) stays far below this;
 * files go through /uploads, and notes through /sync.
 */
export const TRPC_MAX_BODY_BYTES = 1024 * 1024;
export const TRPC_MAX_BODY_TEXT = '1 MB';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (name && !(name in out)) {
      try {
        out[name] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        /* ignore a malformed cookie */
      }
    }
  }
  return out;
}

export function sessionTokenOf(req: IncomingMessage): string | null {
  return parseCookies(req.headers.cookie)[SESSION_COOKIE] ?? null;
}

/**
 * The client's address. `trustProxy` is the number of reverse proxies in front of us (0 =
 * none: the socket's address is the client's). Each proxy appends the address it saw to
 * X-Forwarded-For, so only the rightmost `trustProxy` entries were written by proxies we
 * trust; everything left of them is whatever the client sent. With N hops the client is the
 * Nth entry from the right. A request with fewer entries than hops did not come through all
 * the proxies, so its header is not trusted at all.
 */
export function clientIp(req: IncomingMessage, trustProxy: number): string {
  const socketAddress = req.socket?.remoteAddress ?? '';
  if (!(trustProxy > 0)) return socketAddress;
  const forwarded = req.headers['x-forwarded-for'];
  // Several X-Forwarded-For headers count as one list, in order (RFC 9110 §5.3).
  const entries = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return entries[entries.length - trustProxy] ?? socketAddress;
}

/** Whether the browser talks https to us (for the cookie's Secure flag). */
export function isHttps(req: IncomingMessage, trustProxy: number, appOrigin: string): boolean {
  const proto = req.headers['x-forwarded-proto'];
  if (trustProxy > 0 && typeof proto === 'string' && proto.split(',')[0]!.trim().toLowerCase() === 'https') return true;
  return appOrigin.startsWith('https://') || 'encrypted' in req.socket;
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeSeconds)}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

/**
 * SPEC §9: a browser request carries Sec-Fetch-Site and/or Origin and must come from our own
 * origin; a request with neither is a non-browser client and is served if it authenticates.
 */
export function isForeignOrigin(req: IncomingMessage, appOrigin: string): boolean {
  const site = req.headers['sec-fetch-site'];
  const safeMethod = req.method === 'GET' || req.method === 'HEAD';
  // "none" is a navigation the person started (address bar); never a state change.
  if (typeof site === 'string' && site !== 'same-origin' && !(site === 'none' && safeMethod)) return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  if (origin === appOrigin) return false;
  const host = req.headers.host;
  // The request's own origin (e.g. http://127.0.0.1:3000 when APP_ORIGIN says localhost).
  return !(host && (origin === `http://${host}` || origin === `https://${host}`));
}
