import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The agent app's Content-Security-Policy: everything from our own origin, no inline or
 * eval'd script, never framed. The built index.html has no inline script (Vite emits the
 * entry as a file; the service worker is registered from it). Inline styles stay allowed:
 * the note editor needs them (CodeMirror adds a <style> element for its theme, and
 * y-codemirror colours each colleague's caret with a `style` attribute; both were blocked
 * under `style-src 'self'` in Chromium). A style cannot run code.
 * The widget (/widget) is framed by other sites and sends its own policy
 * (server/channels/webchat/widget.ts); these headers are only for what serveStatic serves.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': APP_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.webmanifest', '.svg', '.txt']);
/** Gzipped copies of built files, made once per file version (the build never changes a hashed file). */
const gzipped = new Map<string, { mtimeMs: number; body: Buffer }>();

function gzipOf(file: string, stat: fs.Stats): Buffer {
  const cached = gzipped.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs) return cached.body;
  const body = zlib.gzipSync(fs.readFileSync(file), { level: 9 });
  gzipped.set(file, { mtimeMs: stat.mtimeMs, body });
  return body;
}

/**
 * Serves the built client, gzipped when the browser accepts it; unknown paths get
 * index.html so the client router can take them.
 */
export function serveStatic(root: string, pathname: string, res: ServerResponse, req?: IncomingMessage): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('Malformed address.');
    return;
  }
  const file = path.join(root, path.normalize(decoded).replace(/^(\.\.[/\\])+/, ''));
  const inside = file.startsWith(root + path.sep);
  const target = inside && fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(root, 'index.html');
  if (!fs.existsSync(target)) {
    res.writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end('The client is not built yet. Run `npm run build` (npm start does it for you).');
    return;
  }
  const ext = path.extname(target);
  const hashed = target.includes(`${path.sep}assets${path.sep}`);
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    vary: 'accept-encoding',
  };
  const acceptsGzip = /\bgzip\b/.test(String(req?.headers['accept-encoding'] ?? ''));
  if (acceptsGzip && COMPRESSIBLE.has(ext)) {
    const body = gzipOf(target, fs.statSync(target));
    res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': body.length });
    res.end(req?.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(200, headers);
  fs.createReadStream(target).pipe(res);
}
