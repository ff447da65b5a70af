import type { WebchatConversation, WebchatMessage } from '../../shared/webchat-wire.ts';
import { t } from './strings.ts';

/** A message on screen: the server's view, or one the visitor is still sending. */
export interface Item extends WebchatMessage {
  local?: 'pending' | 'failed';
  error?: string;
  /** The file the visitor picked, until the server has the message. */
  file?: File;
  /** Uploaded already: a retry sends the message without uploading again. */
  attachmentId?: string;
}

const STATUS_RANK: Record<string, number> = { queued: 1, sending: 2, unknown: 3, sent: 4, delivered: 5, read: 6 };

/** The server's order (seq); what the visitor is still sending comes after it, in the order written. */
export function sortItems(list: Item[]): Item[] {
  const key = (i: Item) => (i.local ? Number.MAX_SAFE_INTEGER : i.seq);
  return [...list].sort((a, b) => key(a) - key(b) || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * Never show a status older than the one on screen (events and fetches may cross); keep the
 * same object when nothing changed, so the row (and its image) is not rendered again.
 */
function newer(current: Item | undefined, next: WebchatMessage): Item {
  if (current && !current.local && current.id === next.id) {
    const status = (STATUS_RANK[current.status] ?? 0) >= (STATUS_RANK[next.status] ?? 0) ? current.status : next.status;
    if (status === current.status && current.text === next.text && current.author === next.author && current.menuChoice === next.menuChoice)
      return current;
    return { ...next, status };
  }
  return { ...next };
}

/**
 * Adds or updates messages from the server. A full list replaces what it covers, but keeps
 * the visitor's unsent ones and whatever arrived after it was read: a list fetched as the
 * stream opened can answer after the first messages came by the stream, and must not wipe them.
 * With `olderExist` (the list is the newest page of a longer history) the older pages the
 * visitor scrolled back to, below what it covers, stay too; without, it is all there is.
 */
export function mergeItems(list: Item[], incoming: WebchatMessage[], full = false, olderExist = false): Item[] {
  const newest = incoming.reduce((max, m) => Math.max(max, m.seq), 0);
  const oldest = olderExist ? incoming.reduce((min, m) => Math.min(min, m.seq), Number.MAX_SAFE_INTEGER) : 0;
  const next = full ? list.filter((i) => i.local || i.seq > newest || i.seq < oldest) : [...list];
  for (const m of incoming) {
    const at = next.findIndex(
      (x) =>
        x.id === m.id ||
        (m.direction === 'in' && m.clientMessageId !== null && x.direction === 'in' && x.clientMessageId === m.clientMessageId),
    );
    if (at >= 0) next[at] = newer(next[at], m);
    else
      next.push(
        newer(
          list.find((x) => x.id === m.id),
          m,
        ),
      );
  }
  return sortItems(next);
}

/** What the visitor just wrote (or picked), shown at once while it is sent. */
export function localItem(clientMessageId: string, text: string, picked: File | null, menuChoice: string | null): Item {
  return {
    id: `local:${clientMessageId}`,
    conversationId: '',
    direction: 'in',
    kind: picked ? 'document' : 'text',
    text: text.trim(),
    author: null,
    isBot: false,
    notice: null,
    menuChoice,
    status: 'pending',
    clientMessageId,
    attachment: picked ? { id: '', filename: picked.name, contentType: picked.type, size: picked.size, url: '' } : null,
    at: new Date().toISOString(),
    seq: 0,
    local: 'pending',
    ...(picked ? { file: picked } : {}),
  };
}

export interface Notice {
  key: string;
  text: string;
}

/**
 * What happened to the current conversation, as lines between the messages: "You're in the
 * queue for Support" after the visitor's answer, "Ana joined" when an agent claimed it (from
 * the conversation the stream sends on queue and claim events). Keyed by the id of the message
 * each follows ('end' when that message is not loaded).
 */
export function noticesAt(c: WebchatConversation | null, list: readonly Item[]): Map<string, Notice[]> {
  const notices: (Notice & { afterSeq: number })[] = [];
  if (c && c.status !== 'bot') {
    if (c.queued)
      notices.push({
        key: 'queued',
        text: c.queued.team ? t('widget.queued', { team: c.queued.team }) : t('widget.queuedAny'),
        afterSeq: c.queued.afterSeq,
      });
    if (c.joined)
      notices.push({
        key: 'joined',
        text: c.joined.agent ? t('widget.joined', { name: c.joined.agent }) : t('widget.agentJoined'),
        afterSeq: c.joined.afterSeq,
      });
  }
  notices.sort((a, b) => a.afterSeq - b.afterSeq);
  const at = new Map<string, Notice[]>();
  for (const n of notices) {
    let anchor = 'end';
    for (const i of list) if (!i.local && i.conversationId === c?.id && i.seq <= n.afterSeq) anchor = i.id;
    at.set(anchor, [...(at.get(anchor) ?? []), n]);
  }
  return at;
}

/** The visitor's messages count as read once an agent has answered after them. */
export function lastAgentIndex(list: readonly Item[]): number {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.direction === 'out' && !list[i]!.isBot) return i;
  return -1;
}
