/** Which agent wrote, as the customer sees it: "*Ana:* text" on WhatsApp, "Ana: text" elsewhere. */
export function identifyAuthor(channelKind: string, authorLabel: string | null, text: string, identify: boolean): string {
  if (!identify || !authorLabel || text === '') return text;
  return channelKind === 'whatsapp' ? `*${authorLabel}:* ${text}` : `${authorLabel}: ${text}`;
}

/** Template body with {{1}}…{{n}} filled in; throws on a parameter count mismatch. */
export function fillTemplate(body: string, params: readonly string[]): string {
  return body.replace(/\{\{(\d+)\}\}/g, (m, n: string) => params[Number(n) - 1] ?? m);
}

/** Canned-response variables: {contact.name}, {agent.name}, {protocol}… unknown ones stay. */
export function fillCanned(body: string, vars: Record<string, string>): string {
  return body.replace(/\{([a-z_.]+)\}/gi, (m, key: string) => vars[key] ?? m);
}

/** A customer's rating answer: a lone 1–5 (also "5 ⭐", "nota 4"). */
export function parseRating(text: string): number | null {
  const m = /^\D{0,12}([1-5])\D{0,6}$/u.exec(text.trim());
  return m ? Number(m[1]) : null;
}

export type MessageStatus = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'unknown';
const RANK: Record<MessageStatus, number> = { received: 0, queued: 1, sending: 2, unknown: 3, sent: 4, delivered: 5, read: 6, failed: 7 };

/** Statuses only move forward; out-of-order or repeated webhooks never move a message back. */
export function advanceStatus(current: MessageStatus, next: MessageStatus): MessageStatus {
  if (current === 'failed' || current === 'read') return current;
  if (next === 'failed') return 'failed';
  return RANK[next] > RANK[current] ? next : current;
}
