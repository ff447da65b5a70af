import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'atende_session';

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

export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? '';
}

export function isHttps(req: IncomingMessage, trustProxy: boolean, appOrigin: string): boolean {
  if (trustProxy && req.headers['x-forwarded-proto'] === 'https') return true;
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
