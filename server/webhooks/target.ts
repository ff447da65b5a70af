import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress, literalAddress, urlRefusal, type TargetRefusal } from '../domain/webhook-targets.ts';

/** A webhook URL checked for this attempt: the address it resolved to is the one connected to. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host and checks every address it has (a name that also points inside is
 * refused, whichever address a client would pick). Run at registration and before each attempt.
 */
export async function checkTarget(raw: string, allowPrivate: boolean): Promise<CheckedTarget | { refused: TargetRefusal }> {
  const shape = urlRefusal(raw, allowPrivate);
  if (shape) return { refused: shape };
  const url = new URL(raw);
  const literal = literalAddress(url.hostname);
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(url.hostname, { all: true, verbatim: true });
    } catch {
      return { refused: 'unresolvable' };
    }
  }
  if (addresses.length === 0) return { refused: 'unresolvable' };
  if (!allowPrivate && addresses.some((a) => !isPublicAddress(a.address))) return { refused: 'privateAddress' };
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

export interface PostResult {
  /** The HTTP status, or null when no answer came (connection refused, timeout, TLS …). */
  statusCode: number | null;
  /**
   * The start of the answer's body, or what went wrong as a code the admin screen puts in
   * words (server/webhooks/problems.ts): `atende:timeout:<s>`, `atende:network:<code>`.
   */
  excerpt: string;
}

const EXCERPT_BYTES = 1024;

/**
 * One POST to a checked target. The connection goes to the checked address (no second DNS
 * answer can point it elsewhere); TLS still verifies the host's name. Redirects are not
 * followed (a 3xx is a failed attempt); the whole exchange is bounded by `timeoutMs`.
 */
export function postTo(target: CheckedTarget, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = client.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        agent: false,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size >= EXCERPT_BYTES) res.destroy();
        });
        const finish = () =>
          done({ statusCode: res.statusCode ?? null, excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8') });
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ statusCode: null, excerpt: `atende:timeout:${Math.round(timeoutMs / 1000)}` });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ statusCode: null, excerpt: `atende:network:${err.code ?? 'ERROR'}` }));
    req.end(body);
  });
}
