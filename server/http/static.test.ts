import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CSP, serveStatic } from './static.ts';

let root: string;
let server: http.Server;
let base: string;
const js = `export const x = ${JSON.stringify('a'.repeat(5000))};\n`;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-static-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  fs.writeFileSync(path.join(root, 'assets', 'main-abc123.js'), js);
  server = http.createServer((req, res) => serveStatic(root, new URL(req.url!, 'http://x').pathname, res, req));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(root, { recursive: true, force: true });
});

function get(
  p: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${p}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('static client files', () => {
  it('gzips for browsers that accept it, caches hashed assets for good, and falls back to index.html', async () => {
    const zipped = await get('/assets/main-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['cache-control']).toContain('immutable');
    expect(zlib.gunzipSync(zipped.body).toString()).toBe(js);
    expect(zipped.body.length).toBeLessThan(js.length / 10);
    const plain = await get('/assets/main-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
    const route = await get('/conversations/123', { 'accept-encoding': 'gzip' });
    expect(route.headers['cache-control']).toBe('no-cache');
    expect(zlib.gunzipSync(route.body).toString()).toContain('<title>t</title>');
  });

  it('sends the app\u2019s Content-Security-Policy and anti-framing headers with its pages', async () => {
    for (const p of ['/', '/contacts/1', '/assets/main-abc123.js', '/%zz']) {
      const { headers } = await get(p);
      expect(headers['content-security-policy']).toBe(APP_CSP);
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('same-origin');
    }
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ]) {
      expect(APP_CSP.split('; ')).toContain(directive);
    }
    // No inline or eval'd script: the one thing the policy is for.
    expect(APP_CSP).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
  });
});
