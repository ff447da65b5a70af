/**
 * What the agent has typed (and attached) in each conversation's composer but not sent yet.
 * Switching conversations keeps it, and so does a reload: kept in this browser under the
 * user's prefix (`atende:<userId>:`), so the logout wipe (offline/wipe.ts) removes it with the
 * rest of that user's data. Sent or emptied, it is forgotten.
 */

export interface DraftFile {
  id: string;
  filename: string;
  contentType: string;
}

export interface Draft {
  text: string;
  attachments: DraftFile[];
}

const EMPTY: Draft = { text: '', attachments: [] };
const keyOf = (userId: string, conversationId: string) => `atende:${userId}:draft:${conversationId}`;
/** Only where storage is blocked (private mode): this tab's copies. */
const fallback = new Map<string, Draft>();

function valid(value: unknown): value is Draft {
  if (!value || typeof value !== 'object') return false;
  const d = value as Draft;
  return (
    typeof d.text === 'string' &&
    Array.isArray(d.attachments) &&
    d.attachments.every((a) => a && typeof a.id === 'string' && typeof a.filename === 'string' && typeof a.contentType === 'string')
  );
}

export function loadDraft(userId: string, conversationId: string): Draft {
  if (!userId) return EMPTY;
  const key = keyOf(userId, conversationId);
  let stored: string | null;
  try {
    stored = localStorage.getItem(key);
  } catch {
    return fallback.get(key) ?? EMPTY;
  }
  try {
    const parsed: unknown = stored ? JSON.parse(stored) : null;
    return valid(parsed) ? parsed : EMPTY;
  } catch {
    return EMPTY; // a damaged entry: no draft
  }
}

export function saveDraft(userId: string, conversationId: string, draft: Draft): void {
  if (!userId) return;
  const key = keyOf(userId, conversationId);
  const empty = draft.text === '' && draft.attachments.length === 0;
  try {
    if (empty) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify({ text: draft.text, attachments: draft.attachments }));
  } catch {
    if (empty) fallback.delete(key);
    else fallback.set(key, { text: draft.text, attachments: [...draft.attachments] });
  }
}
