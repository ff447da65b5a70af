import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

/**
 * A local Web Push service playing the push service and the browsers behind it: each
 * "browser" has its own P-256 key pair and auth secret, as PushManager.subscribe() makes
 * them, and an endpoint on this server. Every POST is recorded with its VAPID JWT checked
 * (RFC 8292) and its body decrypted (RFC 8291, aes128gcm) with the browser's private key.
 */
export interface FakeBrowser {
  name: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** What this endpoint answers: 201 (accepted), 410 (gone)… */
  status: number;
  ecdh: ECDH;
}

export interface ReceivedPush {
  browser: string;
  headers: http.IncomingHttpHeaders;
  vapid: { valid: boolean; k: string; claims: { aud?: string; exp?: number; sub?: string } };
  /** The decrypted JSON payload. */
  payload: { kind: string; title: string; body: string; url: string; tag: string; conversationId: string };
  answered: number;
}

/** Checks `Authorization: vapid t=<JWT>, k=<public key>`: an ES256 signature by k over the JWT. */
export function checkVapid(authorization: string | undefined): ReceivedPush['vapid'] {
  const t = /(?:^|[\s,])t=([^,\s]+)/.exec(authorization ?? '')?.[1] ?? '';
  const k = /(?:^|[\s,])k=([^,\s]+)/.exec(authorization ?? '')?.[1] ?? '';
  if (!authorization?.startsWith('vapid ') || !t || !k) return { valid: false, k, claims: {} };
  const [header, claims, signature] = t.split('.');
  const point = Buffer.from(k, 'base64url');
  if (!header || !claims || !signature || point.length !== 65) return { valid: false, k, claims: {} };
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const alg = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg;
  const valid =
    alg === 'ES256' &&
    verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  return { valid, k, claims: JSON.parse(Buffer.from(claims, 'base64url').toString()) as ReceivedPush['vapid']['claims'] };
}

export async function startPushService() {
  const browsers = new Map<string, FakeBrowser>();
  const received: ReceivedPush[] = [];
  const waiters = new Set<() => void>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const name = decodeURIComponent((req.url ?? '/').slice('/push/'.length));
      const browser = browsers.get(name);
      if (req.method !== 'POST' || !browser) {
        res.writeHead(404).end();
        return;
      }
      let payload: ReceivedPush['payload'];
      try {
        const plain = ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: browser.ecdh, authSecret: browser.keys.auth });
        payload = JSON.parse(plain.toString('utf8')) as ReceivedPush['payload'];
      } catch {
        res.writeHead(400).end();
        return;
      }
      received.push({
        browser: name,
        headers: req.headers,
        vapid: checkVapid(req.headers.authorization),
        payload,
        answered: browser.status,
      });
      res.writeHead(browser.status).end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    received,
    /** A new browser subscription: its endpoint on this service and its keys. */
    browser(name: string, status = 201): FakeBrowser {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const browser: FakeBrowser = {
        name,
        endpoint: `${url}/push/${encodeURIComponent(name)}`,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
        status,
        ecdh,
      };
      browsers.set(name, browser);
      return browser;
    },
    /** Resolves with the first push (already here or to come) that `match` accepts; fails after `timeoutMs`. */
    waitFor(match: (p: ReceivedPush) => boolean, what = 'a push', timeoutMs = 15_000): Promise<ReceivedPush> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(match);
          if (!found) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `timed out waiting for ${what}; received: ${JSON.stringify(received.map((r) => [r.browser, r.payload.kind, r.payload.conversationId]))}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = () => void check();
        if (!check()) waiters.add(wake);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
