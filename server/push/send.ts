import webPush from 'web-push';
import type { PushTarget } from '../../db/queries/push.ts';
import type { PushPayload } from '../domain/push.ts';
import type { VapidKeys } from './vapid.ts';

/** What the push service answered: accepted, the subscription is gone for good, or another failure. */
export type PushOutcome =
  | { result: 'sent' }
  | { result: 'gone'; status: number }
  | { result: 'failed'; status: number | null; error?: string };

const TIMEOUT_MS = 10_000;

/**
 * Sends one notification (RFC 8030/8291/8292): web-push encrypts the payload to the device's
 * keys (aes128gcm) and signs the VAPID JWT; the request itself goes out with fetch, which
 * speaks http too (a local push service under PUSH_ALLOW_ANY_ENDPOINT; web-push's own sender
 * is https only). No redirect is followed: the address was checked, not where it points.
 */
export async function sendPush(
  target: Pick<PushTarget, 'endpoint' | 'p256dh' | 'auth'>,
  payload: PushPayload,
  options: { TTL: number; urgency: 'normal' | 'high'; topic: string },
  keys: VapidKeys,
): Promise<PushOutcome> {
  const details = webPush.generateRequestDetails(
    { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
    JSON.stringify(payload),
    {
      vapidDetails: { subject: keys.subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
      contentEncoding: 'aes128gcm',
      TTL: options.TTL,
      urgency: options.urgency,
      topic: options.topic,
    },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) {
    // fetch sets the length of the body itself.
    if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
  }
  let status: number;
  try {
    const res = await fetch(details.endpoint, {
      method: 'POST',
      headers,
      body: details.body ? new Uint8Array(details.body) : null,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    status = res.status;
    await res.body?.cancel().catch(() => {});
  } catch (err) {
    return { result: 'failed', status: null, error: err instanceof Error ? err.message : String(err) };
  }
  if (status >= 200 && status < 300) return { result: 'sent' };
  // RFC 8030 §7.3: the subscription expired or was removed by the browser.
  if (status === 404 || status === 410) return { result: 'gone', status };
  return { result: 'failed', status };
}
