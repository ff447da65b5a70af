import * as Y from 'yjs';

/**
 * The shapes of the collaborative documents, shared by the client and the server.
 *
 * - `notes:<contactId>`: `entries`, a Y.Array of Y.Maps `{ id, authorId, createdAt, deleted,
 *   body }`. `body` is a Y.Text (rich text through Yjs formatting attributes, or plain text),
 *   co-edited by everyone who may see the contact. A deleted entry stays, flagged
 *   (`deleted`, `deletedBy`, `deletedAt`), so the history keeps it.
 * - `chat:<roomId>` and the colleague thread `conversation:<id>`: `messages`, a Y.Array of
 *   Y.Maps `{ id, authorId, at, text }`. In chat the server refuses changes to items written
 *   under another user's client id, so a message is one Y.Map inserted, whole, by its author.
 *
 * Times are milliseconds since the epoch, as written by the author's device (offline edits
 * keep the time they were typed). Who really wrote a change is the server's record: the
 * binding of the Yjs client id to a user, and the update log (notes activity).
 */
export const NOTES_ENTRIES = 'entries';
export const CHAT_MESSAGES = 'messages';

export type EntryMap = Y.Map<unknown>;

export interface NoteEntry {
  id: string;
  authorId: string;
  createdAt: number;
  deleted: boolean;
  body: string;
}

export interface ChatMessage {
  id: string;
  authorId: string;
  at: number;
  text: string;
}

/** A random UUID; `crypto.randomUUID` is missing on plain-http pages, getRandomValues is not. */
export function newId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const noteEntries = (doc: Y.Doc): Y.Array<EntryMap> => doc.getArray<EntryMap>(NOTES_ENTRIES);
export const chatMessages = (doc: Y.Doc): Y.Array<EntryMap> => doc.getArray<EntryMap>(CHAT_MESSAGES);

/** Appends a note entry written by `authorId`; returns its map (edit `body` with noteBody). */
export function addNoteEntry(doc: Y.Doc, authorId: string, text = '', opts: { id?: string; now?: number } = {}): EntryMap {
  const body = new Y.Text();
  if (text) body.insert(0, text);
  const entry = new Y.Map<unknown>([
    ['id', opts.id ?? newId()],
    ['authorId', authorId],
    ['createdAt', opts.now ?? Date.now()],
    ['deleted', false],
    ['body', body],
  ]);
  noteEntries(doc).push([entry]);
  return entry;
}

export function noteBody(entry: EntryMap): Y.Text {
  return entry.get('body') as Y.Text;
}

/** Marks an entry deleted; it stays in the document (and can be restored). */
export function deleteNoteEntry(entry: EntryMap, byUserId: string, now = Date.now()): void {
  entry.doc!.transact(() => {
    entry.set('deleted', true);
    entry.set('deletedBy', byUserId);
    entry.set('deletedAt', now);
  });
}

export function restoreNoteEntry(entry: EntryMap): void {
  entry.set('deleted', false);
}

export function readNoteEntry(entry: EntryMap): NoteEntry {
  const body = entry.get('body');
  return {
    id: String(entry.get('id') ?? ''),
    authorId: String(entry.get('authorId') ?? ''),
    createdAt: Number(entry.get('createdAt') ?? 0),
    deleted: entry.get('deleted') === true,
    body: body instanceof Y.Text ? body.toString() : '',
  };
}

/** Every entry, deleted ones included (the reader decides how to show them). */
export function readNotes(doc: Y.Doc): NoteEntry[] {
  return noteEntries(doc)
    .toArray()
    .filter((e) => e instanceof Y.Map)
    .map(readNoteEntry);
}

/** Appends a message; the whole map is created in one transaction under the author's client id. */
export function addChatMessage(doc: Y.Doc, authorId: string, text: string, opts: { id?: string; at?: number } = {}): EntryMap {
  const message = new Y.Map<unknown>([
    ['id', opts.id ?? newId()],
    ['authorId', authorId],
    ['at', opts.at ?? Date.now()],
    ['text', text],
  ]);
  chatMessages(doc).push([message]);
  return message;
}

/** Removes one of the author's own messages (the server refuses removing anyone else's). */
export function deleteChatMessage(doc: Y.Doc, id: string): boolean {
  const list = chatMessages(doc);
  const i = list.toArray().findIndex((m) => m instanceof Y.Map && m.get('id') === id);
  if (i < 0) return false;
  list.delete(i, 1);
  return true;
}

export function readChatMessage(m: EntryMap): ChatMessage {
  return {
    id: String(m.get('id') ?? ''),
    authorId: String(m.get('authorId') ?? ''),
    at: Number(m.get('at') ?? 0),
    text: String(m.get('text') ?? ''),
  };
}

export function readChatMessages(doc: Y.Doc): ChatMessage[] {
  return chatMessages(doc)
    .toArray()
    .filter((m) => m instanceof Y.Map)
    .map(readChatMessage);
}

export function countChatMessages(doc: Y.Doc): number {
  return chatMessages(doc).length;
}
