import { docName, type DocName } from '../../sync/shared/doc-name.ts';
import { mayView, mayWrite, type ConversationFacts, type Viewer } from './conversation-access.ts';

/**
 * Who may open which collaborative document, and how (SPEC §9). The one place the rule is
 * written: the /sync upgrade (`server/sync/index.ts`), the notes activity list and the
 * `notes.changed` event ask it. "Not found" and "not allowed" are the same answer, null.
 */
export type DocAccess = 'write' | 'read' | 'awareness';

export type DocKind = DocName['kind'];
export type DocOf<K extends DocKind> = Extract<DocName, { kind: K }>;

/** Who asks: the signed-in user as the server knows them. */
export interface DocViewer {
  orgId: string;
  userId: string;
  role: Viewer['role'];
  historyAccess: Viewer['historyAccess'];
  /** users.internal_chat: "may use internal chat" (SPEC §2) covers the rooms one already has. */
  internalChat: boolean;
  deactivated: boolean;
}

/** What the caller read from the database about the document, in the viewer's organization. */
export interface DocFacts {
  presence: Record<never, never>;
  notes: { contactInOrg: boolean };
  chat: { member: boolean };
  /** `conversation`: null when no such conversation; `teamIds`: the viewer's teams. */
  conversation: { conversation: ConversationFacts | null; teamIds: readonly string[] };
}

/** What each kind's rule reads of the viewer (a caller passes no more than that). */
export interface ViewerFor {
  presence: Pick<DocViewer, 'orgId' | 'deactivated'>;
  notes: Pick<DocViewer, 'deactivated'>;
  chat: Pick<DocViewer, 'deactivated' | 'internalChat'>;
  conversation: Pick<DocViewer, 'deactivated' | 'userId' | 'role' | 'historyAccess'>;
}

export const notesDoc = (contactId: string): DocOf<'notes'> => ({ kind: 'notes', contactId, name: docName.notes(contactId) });

type Rule<K extends DocKind> = (doc: DocOf<K>, viewer: ViewerFor[K], facts: DocFacts[K]) => DocAccess | null;

const rules: { [K in DocKind]: Rule<K> } = {
  // Who is online: everyone of the organization sees and announces it; nothing is stored.
  presence: (doc, viewer) => (doc.orgId === viewer.orgId ? 'awareness' : null),
  // A contact's notes: every user of the contact's organization co-edits them.
  notes: (_doc, _viewer, facts) => (facts.contactInOrg ? 'write' : null),
  // A chat room: its members, while they may use internal chat.
  chat: (_doc, viewer, facts) => (viewer.internalChat && facts.member ? 'write' : null),
  // The colleague thread: serving agent, invited colleagues and admins (until it closes)
  // write; whoever may view the conversation (team members peeking, history) reads.
  conversation: (_doc, viewer, { conversation: c, teamIds }) => {
    if (!c) return null;
    const v: Viewer = { id: viewer.userId, role: viewer.role, teamIds, historyAccess: viewer.historyAccess };
    if (mayWrite(c, v) || (v.role === 'admin' && c.status !== 'closed')) return 'write';
    return mayView(c, v) ? 'read' : null;
  },
};

export function docAccess<K extends DocKind>(doc: DocOf<K>, viewer: ViewerFor[K], facts: DocFacts[K]): DocAccess | null {
  if (viewer.deactivated) return null;
  return (rules[doc.kind] as Rule<K>)(doc, viewer, facts);
}
