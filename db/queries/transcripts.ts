import type { Db } from '../sql.ts';

type Ref = { id: string; name: string } | null;
const ref = (id: unknown, name: unknown): Ref => (id ? { id: id as string, name: (name as string | null) ?? '' } : null);

export interface TranscriptHead {
  id: string;
  protocol: string;
  status: string;
  contact: { id: string; name: string; whatsapp: string | null; email: string | null };
  channel: { id: string; kind: string; name: string };
  team: Ref;
  assignee: Ref;
  createdAt: Date;
  queuedAt: Date | null;
  claimedAt: Date | null;
  closedAt: Date | null;
  closedBy: Ref;
  closeReason: string | null;
  disposition: Ref;
  rating: number | null;
  ratingRequestedAt: Date | null;
  ratedAt: Date | null;
}

/** The conversation's facts for its transcript (visibility is checked by the caller). */
export async function transcriptHead(db: Db, orgId: string, conversationId: string): Promise<TranscriptHead | null> {
  const [r] = await db`
    SELECT c.id, c.protocol, c.status, c.contact_id, k.name AS contact_name, k.whatsapp, k.email, c.channel_id, ch.kind AS channel_kind,
      ch.name AS channel_name, c.team_id, t.name AS team_name, coalesce(c.assignee_id, c.served_by) AS agent_id, a.name AS agent_name,
      c.created_at, c.queued_at, c.claimed_at, c.closed_at, c.closed_by, cb.name AS closed_by_name, c.close_reason,
      c.disposition_id, d.name AS disposition_name, c.rating, c.rating_requested_at, c.rated_at
    FROM conversations c
      JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
      JOIN channels ch ON ch.org_id = c.org_id AND ch.id = c.channel_id
      LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
      LEFT JOIN users a ON a.org_id = c.org_id AND a.id = coalesce(c.assignee_id, c.served_by)
      LEFT JOIN users cb ON cb.org_id = c.org_id AND cb.id = c.closed_by
      LEFT JOIN dispositions d ON d.org_id = c.org_id AND d.id = c.disposition_id
    WHERE c.org_id = ${orgId} AND c.id = ${conversationId}`;
  if (!r) return null;
  return {
    id: r.id as string,
    protocol: r.protocol as string,
    status: r.status as string,
    contact: {
      id: r.contact_id as string,
      name: r.contact_name as string,
      whatsapp: (r.whatsapp as string | null) ?? null,
      email: (r.email as string | null) ?? null,
    },
    channel: { id: r.channel_id as string, kind: r.channel_kind as string, name: r.channel_name as string },
    team: ref(r.team_id, r.team_name),
    assignee: ref(r.agent_id, r.agent_name),
    createdAt: r.created_at as Date,
    queuedAt: (r.queued_at as Date | null) ?? null,
    claimedAt: (r.claimed_at as Date | null) ?? null,
    closedAt: (r.closed_at as Date | null) ?? null,
    closedBy: ref(r.closed_by, r.closed_by_name),
    closeReason: (r.close_reason as string | null) ?? null,
    disposition: ref(r.disposition_id, r.disposition_name),
    rating: (r.rating as number | null) ?? null,
    ratingRequestedAt: (r.rating_requested_at as Date | null) ?? null,
    ratedAt: (r.rated_at as Date | null) ?? null,
  };
}

export interface TranscriptMessage {
  id: string;
  seq: number;
  at: Date;
  direction: 'in' | 'out';
  kind: string;
  text: string;
  status: string;
  isBot: boolean;
  author: Ref;
  file: { id: string; name: string; contentType: string; size: number } | null;
}

/** Every message of the conversation, in the order they were stored, with authors and file names. */
export async function transcriptMessages(db: Db, orgId: string, conversationId: string): Promise<TranscriptMessage[]> {
  const rows = await db`
    SELECT m.id, m.seq, m.created_at, m.direction, m.kind, m.text, m.status, m.is_bot, m.author_id, u.name AS author_name,
      m.attachment_id, f.filename, f.content_type, f.size_bytes
    FROM messages m
      LEFT JOIN users u ON u.org_id = m.org_id AND u.id = m.author_id
      LEFT JOIN attachments f ON f.org_id = m.org_id AND f.id = m.attachment_id
    WHERE m.org_id = ${orgId} AND m.conversation_id = ${conversationId}
    ORDER BY m.seq`;
  return rows.map((r) => ({
    id: r.id as string,
    seq: Number(r.seq),
    at: r.created_at as Date,
    direction: r.direction as 'in' | 'out',
    kind: r.kind as string,
    text: r.text as string,
    status: r.status as string,
    isBot: r.is_bot as boolean,
    author: ref(r.author_id, r.author_name),
    file: r.attachment_id
      ? {
          id: r.attachment_id as string,
          name: r.filename as string,
          contentType: r.content_type as string,
          size: Number(r.size_bytes),
        }
      : null,
  }));
}

export async function transcriptTags(db: Db, orgId: string, conversationId: string) {
  const rows = await db`SELECT g.id, g.name, g.color FROM conversation_tags ct JOIN tags g ON g.org_id = ct.org_id AND g.id = ct.tag_id
    WHERE ct.org_id = ${orgId} AND ct.conversation_id = ${conversationId} ORDER BY lower(g.name)`;
  return rows.map((r) => ({ id: r.id as string, name: r.name as string, color: r.color as string }));
}

/** Colleagues invited and still in (an open conversation; closing removes them). */
export async function transcriptParticipants(db: Db, orgId: string, conversationId: string) {
  const rows = await db`SELECT p.user_id, u.name, p.invited_by, i.name AS invited_by_name, p.joined_at
    FROM conversation_participants p
      JOIN users u ON u.org_id = p.org_id AND u.id = p.user_id
      LEFT JOIN users i ON i.org_id = p.org_id AND i.id = p.invited_by
    WHERE p.org_id = ${orgId} AND p.conversation_id = ${conversationId} ORDER BY p.joined_at`;
  return rows.map((r) => ({
    user: { id: r.user_id as string, name: r.name as string },
    invitedBy: ref(r.invited_by, r.invited_by_name),
    joinedAt: r.joined_at as Date,
  }));
}

export interface TrailRow {
  id: string;
  at: Date;
  action: string;
  actor: Ref;
  subject: Ref;
  details: Record<string, unknown>;
}

/** The audit rows about the conversation (claims, transfers, invitations, closes …), oldest first. */
export async function transcriptTrail(db: Db, orgId: string, conversationId: string): Promise<TrailRow[]> {
  const rows = await db`
    SELECT a.id::text, a.at, a.action, a.actor_user_id, ua.name AS actor_name, a.subject_user_id, us.name AS subject_name, a.details
    FROM audit_log a
      LEFT JOIN users ua ON ua.org_id = a.org_id AND ua.id = a.actor_user_id
      LEFT JOIN users us ON us.org_id = a.org_id AND us.id = a.subject_user_id
    WHERE a.org_id = ${orgId} AND a.details ? 'conversationId' AND a.details ->> 'conversationId' = ${conversationId}
    ORDER BY a.id`;
  return rows.map((r) => ({
    id: r.id as string,
    at: r.at as Date,
    action: r.action as string,
    actor: ref(r.actor_user_id, r.actor_name),
    subject: ref(r.subject_user_id, r.subject_name),
    details: (r.details ?? {}) as Record<string, unknown>,
  }));
}

/** Names of the organization's teams and users named by id in trail details. */
export async function namesOf(db: Db, orgId: string, teamIds: string[], userIds: string[]) {
  const [teams, users] = await Promise.all([
    teamIds.length ? db`SELECT id, name FROM teams WHERE org_id = ${orgId} AND id = ANY(${teamIds}::uuid[])` : Promise.resolve([]),
    userIds.length ? db`SELECT id, name FROM users WHERE org_id = ${orgId} AND id = ANY(${userIds}::uuid[])` : Promise.resolve([]),
  ]);
  return {
    teams: new Map(teams.map((t) => [t.id as string, t.name as string])),
    users: new Map(users.map((u) => [u.id as string, u.name as string])),
  };
}
