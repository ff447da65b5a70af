import type { Db } from '../sql.ts';

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : null);

/** The contact as stored, with its web chat visitor (the name the visitor gave, when it was seen). */
export async function contactForExport(db: Db, orgId: string, contactId: string) {
  const [c] = await db`SELECT c.id, c.name, c.email, c.whatsapp, c.whatsapp_user_id, c.webchat_visitor_id, c.fields, c.incomplete,
      c.created_at, c.updated_at, c.erased_at, u.name AS created_by_name,
      v.name AS visitor_name, v.created_at AS visitor_created_at, v.last_seen_at AS visitor_last_seen_at
    FROM contacts c
    LEFT JOIN users u ON u.org_id = c.org_id AND u.id = c.created_by
    LEFT JOIN webchat_visitors v ON v.org_id = c.org_id AND v.id::text = c.webchat_visitor_id
    WHERE c.org_id = ${orgId} AND c.id = ${contactId}`;
  if (!c) return null;
  return {
    id: c.id as string,
    name: c.name as string,
    email: c.email as string | null,
    identities: {
      whatsapp: c.whatsapp as string | null,
      whatsappUserId: c.whatsapp_user_id as string | null,
      webchatVisitorId: c.webchat_visitor_id as string | null,
    },
    webchatVisitor: c.webchat_visitor_id
      ? { name: c.visitor_name as string | null, firstSeenAt: iso(c.visitor_created_at), lastSeenAt: iso(c.visitor_last_seen_at) }
      : null,
    fields: c.fields as Record<string, string>,
    incomplete: c.incomplete as boolean,
    createdBy: c.created_by_name as string | null,
    createdAt: iso(c.created_at),
    updatedAt: iso(c.updated_at),
    erasedAt: iso(c.erased_at),
  };
}

/** Every conversation of the contact with what describes it (channel, team, agents, outcome, tags). */
export async function conversationsForExport(db: Db, orgId: string, contactId: string) {
  const rows = await db`SELECT v.id, v.protocol, v.status, v.created_at, v.first_queued_at, v.first_claimed_at, v.first_response_at,
      v.closed_at, v.close_reason, v.rating, v.rated_at, v.transfers, v.erased_at,
      ch.kind AS channel_kind, ch.name AS channel_name, t.name AS team_name, s.name AS served_by, d.name AS disposition,
      array(SELECT g.name FROM conversation_tags ct JOIN tags g ON g.org_id = ct.org_id AND g.id = ct.tag_id
        WHERE ct.org_id = v.org_id AND ct.conversation_id = v.id ORDER BY g.name) AS tags
    FROM conversations v
    JOIN channels ch ON ch.org_id = v.org_id AND ch.id = v.channel_id
    LEFT JOIN teams t ON t.org_id = v.org_id AND t.id = v.team_id
    LEFT JOIN users s ON s.org_id = v.org_id AND s.id = v.served_by
    LEFT JOIN dispositions d ON d.org_id = v.org_id AND d.id = v.disposition_id
    WHERE v.org_id = ${orgId} AND v.contact_id = ${contactId}
    ORDER BY v.created_at, v.id`;
  return rows.map((r) => ({
    id: r.id as string,
    protocol: r.protocol as string,
    channel: { kind: r.channel_kind as string, name: r.channel_name as string },
    team: r.team_name as string | null,
    status: r.status as string,
    createdAt: iso(r.created_at),
    queuedAt: iso(r.first_queued_at),
    claimedAt: iso(r.first_claimed_at),
    firstResponseAt: iso(r.first_response_at),
    closedAt: iso(r.closed_at),
    closeReason: r.close_reason as string | null,
    servedBy: r.served_by as string | null,
    disposition: r.disposition as string | null,
    tags: r.tags as string[],
    rating: r.rating as number | null,
    ratedAt: iso(r.rated_at),
    transfers: r.transfers as number,
    erasedAt: iso(r.erased_at),
  }));
}

export interface ExportedFile {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  storageKey: string;
}

/** One conversation's messages in order, each with its file (stored key included, for the ZIP writer). */
export async function messagesForExport(db: Db, orgId: string, conversationId: string) {
  const rows = await db`SELECT m.id, m.seq, m.direction, m.kind, m.text, m.wire_text, m.payload, m.template_params, m.is_bot, m.status,
      m.error_code, m.error_title, m.created_at, m.provider_timestamp, m.sent_at, m.delivered_at, m.read_at, m.failed_at,
      u.name AS author, tp.name AS template,
      a.id AS file_id, a.filename, a.content_type, a.size_bytes, a.storage_key
    FROM messages m
    LEFT JOIN users u ON u.org_id = m.org_id AND u.id = m.author_id
    LEFT JOIN templates tp ON tp.org_id = m.org_id AND tp.id = m.template_id
    LEFT JOIN attachments a ON a.org_id = m.org_id AND a.id = m.attachment_id
    WHERE m.org_id = ${orgId} AND m.conversation_id = ${conversationId}
    ORDER BY m.seq`;
  return rows.map((r) => ({
    id: r.id as string,
    seq: Number(r.seq),
    direction: r.direction as 'in' | 'out',
    kind: r.kind as string,
    text: r.text as string,
    sentAs: r.wire_text as string | null,
    channelData: r.payload as Record<string, unknown>,
    template: r.template ? { name: r.template as string, params: r.template_params as unknown } : null,
    author: (r.author as string | null) ?? (r.is_bot ? 'bot' : null),
    status: r.status as string,
    error: r.error_code ? { code: r.error_code as number, title: r.error_title as string | null } : null,
    at: iso(r.provider_timestamp ?? r.created_at),
    sentAt: iso(r.sent_at),
    deliveredAt: iso(r.delivered_at),
    readAt: iso(r.read_at),
    failedAt: iso(r.failed_at),
    file: r.file_id
      ? ({
          id: r.file_id as string,
          filename: r.filename as string,
          contentType: r.content_type as string,
          sizeBytes: Number(r.size_bytes),
          storageKey: r.storage_key as string,
        } satisfies ExportedFile)
      : null,
  }));
}

/** Names of the organization's users, for authors of notes and threads (documents keep ids). */
export async function userNames(db: Db, orgId: string): Promise<Map<string, string>> {
  const rows = await db`SELECT id, name FROM users WHERE org_id = ${orgId}`;
  return new Map(rows.map((r) => [r.id as string, r.name as string]));
}
