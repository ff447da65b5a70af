import type { Db } from '../sql.ts';

/** What a contact list shows (search results, the channel rail). */
export interface ContactSummary {
  id: string;
  name: string;
  email: string | null;
  whatsapp: string | null;
  incomplete: boolean;
}

/** A search: by WhatsApp number (prefix, exact match first) or by name (substring, prefix first, accents ignored). */
export type ContactFilter = { by: 'number'; digits: string } | { by: 'name'; text: string };

const SUMMARY_COLUMNS = `id, name, email, whatsapp, incomplete`;
const toSummary = (r: Record<string, unknown>): ContactSummary => ({
  id: r.id as string,
  name: r.name as string,
  email: (r.email as string | null) ?? null,
  whatsapp: (r.whatsapp as string | null) ?? null,
  incomplete: r.incomplete as boolean,
});
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterSql(filter: ContactFilter | null, params: unknown[]): { where: string; order: string } {
  if (!filter) return { where: '', order: 'lower(name), whatsapp, id' };
  if (filter.by === 'number') {
    params.push(`${filter.digits}%`, filter.digits);
    const [like, exact] = [params.length - 1, params.length];
    return { where: `AND whatsapp LIKE $${like}`, order: `(whatsapp = $${exact}) DESC, whatsapp, id` };
  }
  // Folded like contact_name_key (migration 0005): lower case, no accents.
  const text = likeEscape(
    filter.text
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, ''),
  );
  params.push(`%${text}%`, `${text}%`);
  const [like, prefix] = [params.length - 1, params.length];
  // An e-mail matches too: web chat visitors are found by the address they left.
  return {
    where: `AND (contact_name_key(name) LIKE $${like} OR lower(email) LIKE $${like})`,
    order: `(contact_name_key(name) LIKE $${prefix}) DESC, lower(name), id`,
  };
}

export async function searchContacts(db: Db, orgId: string, filter: ContactFilter, limit: number): Promise<ContactSummary[]> {
  const params: unknown[] = [orgId];
  const { where, order } = filterSql(filter, params);
  const rows = await db.unsafe(
    `SELECT ${SUMMARY_COLUMNS} FROM contacts WHERE org_id = $1 ${where} ORDER BY ${order} LIMIT ${Math.floor(limit)}`,
    params as never[],
  );
  return rows.map(toSummary);
}

/** Contacts a channel can reach: a WhatsApp number, or a web chat visitor id. */
export async function contactsOfChannelKind(
  db: Db,
  orgId: string,
  kind: 'whatsapp' | 'webchat',
  filter: ContactFilter | null,
  limit: number,
): Promise<ContactSummary[]> {
  const params: unknown[] = [orgId];
  const { where, order } = filterSql(filter, params);
  const identity = kind === 'whatsapp' ? 'whatsapp IS NOT NULL' : 'webchat_visitor_id IS NOT NULL';
  const rows = await db.unsafe(
    `SELECT ${SUMMARY_COLUMNS} FROM contacts WHERE org_id = $1 AND ${identity} ${where}
     ORDER BY ${filter ? order : 'lower(name), id'} LIMIT ${Math.floor(limit)}`,
    params as never[],
  );
  return rows.map(toSummary);
}

/**
 * The contacts most recently active — a conversation's last activity, or the contact's own
 * edit — newest first; with a channel kind, only contacts that kind of channel reaches, and
 * activity on that channel. Contacts are the whole organization's (as the search).
 */
export async function recentContacts(
  db: Db,
  orgId: string,
  channel: { id: string; kind: 'whatsapp' | 'webchat' } | null,
  limit: number,
): Promise<ContactSummary[]> {
  const identity = !channel ? '' : channel.kind === 'whatsapp' ? 'AND c.whatsapp IS NOT NULL' : 'AND c.webchat_visitor_id IS NOT NULL';
  const rows = await db.unsafe(
    `SELECT c.id, c.name, c.email, c.whatsapp, c.incomplete FROM contacts c
     WHERE c.org_id = $1 ${identity}
     ORDER BY greatest(c.updated_at, (SELECT max(v.last_activity_at) FROM conversations v
       WHERE v.org_id = c.org_id AND v.contact_id = c.id AND ($2::uuid IS NULL OR v.channel_id = $2))) DESC, c.id
     LIMIT ${Math.floor(limit)}`,
    [orgId, channel?.id ?? null] as never[],
  );
  return rows.map(toSummary);
}

/** One of a contact's conversations, with the names a list shows and the facts access rules need. */
export interface ContactConversation {
  id: string;
  protocol: string;
  status: 'bot' | 'waiting' | 'active' | 'closed';
  createdAt: Date;
  closedAt: Date | null;
  closeReason: string | null;
  rating: number | null;
  channel: { id: string; kind: string; name: string };
  team: { id: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  disposition: { id: string; name: string } | null;
  teamId: string | null;
  assigneeId: string | null;
  targetUserId: string | null;
}

const ref = (id: unknown, name: unknown) => (id ? { id: id as string, name: name as string } : null);
const toContactConversation = (r: Record<string, unknown>): ContactConversation => ({
  id: r.id as string,
  protocol: r.protocol as string,
  status: r.status as ContactConversation['status'],
  createdAt: r.created_at as Date,
  closedAt: (r.closed_at as Date | null) ?? null,
  closeReason: (r.close_reason as string | null) ?? null,
  rating: (r.rating as number | null) ?? null,
  channel: { id: r.channel_id as string, kind: r.channel_kind as string, name: r.channel_name as string },
  team: ref(r.team_id, r.team_name),
  assignee: ref(r.served_by_id, r.served_by_name),
  disposition: ref(r.disposition_id, r.disposition_name),
  teamId: (r.team_id as string | null) ?? null,
  assigneeId: (r.assignee_id as string | null) ?? null,
  targetUserId: (r.target_user_id as string | null) ?? null,
});

/** Open conversations name their assignee; a closed one (which has none) the agent who served it. */
/** Who is looking (server/domain/conversation-access.ts `Viewer`). */
export interface SqlViewer {
  id: string;
  role: 'admin' | 'supervisor' | 'agent';
  teamIds: readonly string[];
  historyAccess: 'own_teams' | 'all' | 'none';
}

/**
 * `mayView` of server/domain/conversation-access.ts as SQL over the conversation `c`, so a
 * LIMIT counts only what the viewer may see (the caller still applies `mayView` to the rows).
 * Placeholders $3..$6: viewer id, role, team ids, history access.
 */
const MAY_VIEW_SQL = `($4 = 'admin' OR c.assignee_id = $3 OR c.target_user_id = $3
  OR EXISTS (SELECT 1 FROM conversation_participants p WHERE p.org_id = c.org_id AND p.conversation_id = c.id AND p.user_id = $3)
  OR (c.status = 'closed' AND ($6 = 'all' OR ($6 = 'own_teams' AND c.team_id = ANY($5::uuid[]))))
  OR (c.status <> 'closed' AND c.team_id = ANY($5::uuid[])))`;
const viewerParams = (v: SqlViewer) => [v.id, v.role, [...v.teamIds], v.historyAccess];

export async function conversationsOfContact(
  db: Db,
  orgId: string,
  contactId: string,
  open: boolean,
  limit: number,
  viewer: SqlViewer,
): Promise<ContactConversation[]> {
  const rows = await db.unsafe(
    `SELECT c.id, c.protocol, c.status, c.created_at, c.closed_at, c.close_reason, c.rating, c.team_id, c.assignee_id,
       c.target_user_id, ch.id AS channel_id, ch.kind AS channel_kind, ch.name AS channel_name, t.name AS team_name,
       d.id AS disposition_id, d.name AS disposition_name, u.id AS served_by_id, u.name AS served_by_name
     FROM conversations c
     JOIN channels ch ON ch.org_id = c.org_id AND ch.id = c.channel_id
     LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
     LEFT JOIN dispositions d ON d.org_id = c.org_id AND d.id = c.disposition_id
     LEFT JOIN users u ON u.org_id = c.org_id AND u.id = coalesce(c.assignee_id, c.served_by)
     WHERE c.org_id = $1 AND c.contact_id = $2 AND ${open ? `c.status <> 'closed'` : `c.status = 'closed' AND ${MAY_VIEW_SQL}`}
     ORDER BY ${open ? 'c.created_at' : 'c.closed_at DESC'} LIMIT ${Math.floor(limit)}`,
    (open ? [orgId, contactId] : [orgId, contactId, ...viewerParams(viewer)]) as never[],
  );
  return rows.map(toContactConversation);
}

/** One file sent or received in a contact's conversations, with the facts access rules need. */
export interface ContactMedia {
  attachmentId: string;
  messageId: string;
  direction: 'in' | 'out';
  kind: string;
  filename: string;
  contentType: string;
  at: Date;
  conversation: {
    id: string;
    protocol: string;
    status: ContactConversation['status'];
    teamId: string | null;
    assigneeId: string | null;
    targetUserId: string | null;
    participantIds: string[];
  };
}

/** The gallery: a contact's message attachments the viewer may see, newest first. */
export async function mediaOfContact(db: Db, orgId: string, contactId: string, limit: number, viewer: SqlViewer): Promise<ContactMedia[]> {
  const rows = await db.unsafe(
    `SELECT m.id AS message_id, m.direction, m.kind, coalesce(m.provider_timestamp, m.created_at) AS at,
       a.id AS attachment_id, a.filename, a.content_type,
       c.id AS conversation_id, c.protocol, c.status, c.team_id, c.assignee_id, c.target_user_id,
       CASE WHEN c.status = 'closed' THEN '{}'::uuid[] ELSE
         array(SELECT p.user_id FROM conversation_participants p WHERE p.org_id = c.org_id AND p.conversation_id = c.id) END AS participant_ids
     FROM messages m
     JOIN conversations c ON c.org_id = m.org_id AND c.id = m.conversation_id
     JOIN attachments a ON a.org_id = m.org_id AND a.id = m.attachment_id
     WHERE m.org_id = $1 AND c.contact_id = $2 AND ${MAY_VIEW_SQL}
     ORDER BY coalesce(m.provider_timestamp, m.created_at) DESC, m.seq DESC LIMIT ${Math.floor(limit)}`,
    [orgId, contactId, ...viewerParams(viewer)] as never[],
  );
  return rows.map((r) => ({
    attachmentId: r.attachment_id as string,
    messageId: r.message_id as string,
    direction: r.direction as 'in' | 'out',
    kind: r.kind as string,
    filename: r.filename as string,
    contentType: r.content_type as string,
    at: r.at as Date,
    conversation: {
      id: r.conversation_id as string,
      protocol: r.protocol as string,
      status: r.status as ContactConversation['status'],
      teamId: (r.team_id as string | null) ?? null,
      assigneeId: (r.assignee_id as string | null) ?? null,
      targetUserId: (r.target_user_id as string | null) ?? null,
      participantIds: (r.participant_ids as string[] | null) ?? [],
    },
  }));
}
