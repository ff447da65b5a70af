/**
 * The wire contract for document names (SPEC §9): parsed once, here, into a typed value.
 * Ids are UUIDs, so names never collide across organizations.
 */
export type DocName =
  | { kind: 'notes'; contactId: string; name: string }
  | { kind: 'conversation'; conversationId: string; name: string }
  | { kind: 'chat'; roomId: string; name: string }
  | { kind: 'presence'; orgId: string; name: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function parseDocName(raw: string): DocName | null {
  const i = raw.indexOf(':');
  if (i < 0) return null;
  const prefix = raw.slice(0, i);
  const id = raw.slice(i + 1).toLowerCase();
  if (!UUID.test(id)) return null;
  const name = `${prefix}:${id}`;
  switch (prefix) {
    case 'notes':
      return { kind: 'notes', contactId: id, name };
    case 'conversation':
      return { kind: 'conversation', conversationId: id, name };
    case 'chat':
      return { kind: 'chat', roomId: id, name };
    case 'presence':
      return { kind: 'presence', orgId: id, name };
    default:
      return null;
  }
}

export const docName = {
  notes: (contactId: string) => `notes:${contactId}`,
  conversation: (conversationId: string) => `conversation:${conversationId}`,
  chat: (roomId: string) => `chat:${roomId}`,
  presence: (orgId: string) => `presence:${orgId}`,
};
