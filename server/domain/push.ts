import { createHash } from 'node:crypto';
import { translate, type Language } from '../../i18n/index.ts';
import type { PushAlert, PushConversation } from '../../db/queries/push.ts';

/**
 * The rules of push notifications (docs/operations.md "Push notifications"), pure: which
 * push endpoints are accepted, which alert an event makes and for whom, and what the
 * notification says. The sending (server/push/) loads the data and calls these.
 */

/** Why a push endpoint is refused, or null. Real push services are https hosts the operator lists. */
export function endpointProblem(
  endpoint: string,
  rules: { serviceHosts: readonly string[]; allowAny: boolean },
): 'push.error.endpoint' | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'push.error.endpoint';
  }
  if (url.username || url.password) return 'push.error.endpoint';
  // Tests and a local push service (PUSH_ALLOW_ANY_ENDPOINT): any http(s) address.
  if (rules.allowAny) return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'push.error.endpoint';
  if (url.protocol !== 'https:' || (url.port && url.port !== '443')) return 'push.error.endpoint';
  // The server POSTs to this address: only known push services, never an internal host (SSRF).
  const host = url.hostname.toLowerCase();
  return rules.serviceHosts.some((h) => host === h || host.endsWith(`.${h}`)) ? null : 'push.error.endpoint';
}

/** A browser's P-256 public key (65 bytes, uncompressed) and auth secret (16 bytes), base64url. */
export function keysValid(p256dh: string, auth: string): boolean {
  const b64url = /^[A-Za-z0-9_-]+={0,2}$/;
  if (!b64url.test(p256dh) || !b64url.test(auth)) return false;
  const key = Buffer.from(p256dh, 'base64url');
  return key.length === 65 && key[0] === 0x04 && Buffer.from(auth, 'base64url').length === 16;
}

/** The events that can make an alert, as the bus stores them (ids and states only). */
export type AlertEvent =
  | { type: 'queue.changed'; data: { conversationId: string; status: string } }
  | {
      type: 'message.created';
      data: { conversationId: string; messageId: string; status: string; direction: 'in' | 'out'; assigneeId: string | null };
    };

/**
 * Who gets an alert: a team's active members (`team`, except `except`), or named users.
 * `key` names the alert once for the whole cluster (a second event about the same thing is
 * not a second alert).
 */
export type PlannedAlert = {
  alert: PushAlert;
  key: string;
  conversationId: string;
  to: { team: string; except: string[] } | { users: string[] };
  /** The offer's deadline: no point delivering it later. */
  expiresAt?: Date;
};

/**
 * The alerts an event makes, judged on the conversation as it is now (reloaded after the
 * event): the same three as the in-app alerts (client/src/workspace/shell/alerts.ts).
 * - a conversation waiting in a team: its members, or only the colleague it was transferred
 *   to; once per stay in that queue (`queuedAt`); never to whoever moved it there;
 * - an offer of automatic routing: the offered agent, once per offer (`offeredAt`);
 * - a customer message in a conversation someone serves: that agent, once per message.
 */
export function planAlerts(event: AlertEvent, c: PushConversation | null, now: Date): PlannedAlert[] {
  if (!c) return [];
  if (event.type === 'message.created') {
    const d = event.data;
    if (d.direction !== 'in' || d.status !== 'received' || !d.assigneeId) return [];
    // Still theirs (not transferred or closed meanwhile).
    if (c.status !== 'active' || c.assigneeId !== d.assigneeId) return [];
    return [{ alert: 'message', key: `message:${d.messageId}`, conversationId: c.id, to: { users: [d.assigneeId] } }];
  }
  if (event.data.status !== 'waiting' || c.status !== 'waiting' || !c.teamId) return [];
  const plans: PlannedAlert[] = [];
  if (c.queuedAt) {
    const except = c.queuedBy ? [c.queuedBy] : [];
    const to = c.targetUserId ? { users: [c.targetUserId].filter((u) => !except.includes(u)) } : { team: c.teamId, except };
    plans.push({ alert: 'waiting', key: `waiting:${c.id}:${c.teamId}:${c.queuedAt.toISOString()}`, conversationId: c.id, to });
  }
  if (c.offeredTo && c.offeredAt && (!c.offerExpiresAt || c.offerExpiresAt > now)) {
    plans.push({
      alert: 'offer',
      key: `offer:${c.id}:${c.offeredAt.toISOString()}`,
      conversationId: c.id,
      to: { users: [c.offeredTo] },
      ...(c.offerExpiresAt ? { expiresAt: c.offerExpiresAt } : {}),
    });
  }
  return plans;
}

/** What the service worker receives (encrypted to the device): short, no more than the alert needs. */
export interface PushPayload {
  kind: PushAlert;
  title: string;
  body: string;
  /** Path of the app to open on a click. */
  url: string;
  /**
   * A newer notification with the same tag replaces the older one: the in-app alerts' tags
   * (client/src/workspace/shell/alerts.ts), so an open tab's alert and the push do not both stay.
   */
  tag: string;
  conversationId: string;
}

const TEXT_MAX = 120;

/** The first characters of a message, on one line. */
export function shortText(text: string, max = TEXT_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** The contact as every screen names it (client/src/lib/contact.ts contactLabel). */
export function contactName(lang: Language, contact: { id: string; name: string; whatsapp: string | null }): string {
  const name = contact.name.trim();
  if (name) return name;
  if (contact.whatsapp) return `+${contact.whatsapp}`;
  const id = contact.id
    .replace(/[^0-9a-z]/gi, '')
    .slice(0, 4)
    .toLowerCase();
  return translate(lang, 'contacts.visitor', { id });
}

export function pushPayload(
  lang: Language,
  alert: PushAlert,
  c: Pick<PushConversation, 'id' | 'teamName' | 'contact'>,
  message: { text: string; kind: string } | null,
): PushPayload {
  const contact = contactName(lang, c.contact);
  const text = message ? shortText(message.text) || translate(lang, 'push.alert.attachment') : '';
  const line = text ? translate(lang, 'push.alert.line', { contact, text }) : contact;
  const base = { kind: alert, url: `/conversations/${c.id}`, conversationId: c.id };
  if (alert === 'message') {
    return { ...base, title: translate(lang, 'push.alert.messageTitle', { contact }), body: text, tag: `message:${c.id}` };
  }
  // The offer replaces the "waiting" notification of the same conversation, as in the app.
  const title =
    alert === 'offer' ? translate(lang, 'push.alert.offerTitle') : translate(lang, 'push.alert.waitingTitle', { team: c.teamName ?? '' });
  return { ...base, title, body: line, tag: `waiting:${c.id}` };
}

/** How long a push service keeps it for an offline device, and how urgently it delivers. */
export function deliveryOptions(plan: Pick<PlannedAlert, 'alert' | 'expiresAt'>, now: Date): { TTL: number; urgency: 'normal' | 'high' } {
  if (plan.alert === 'offer') {
    const left = plan.expiresAt ? Math.ceil((plan.expiresAt.getTime() - now.getTime()) / 1000) : 60;
    return { TTL: Math.max(5, left), urgency: 'high' };
  }
  if (plan.alert === 'message') return { TTL: 60 * 60, urgency: 'high' };
  return { TTL: 15 * 60, urgency: 'normal' };
}

/** The Topic header (RFC 8030 §5.4, at most 32 base64url characters): a newer push of the same tag replaces one still pending. */
export const topicOf = (tag: string): string => createHash('sha256').update(tag).digest('base64url').slice(0, 32);
