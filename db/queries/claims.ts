import { CONVERSATION_COLUMNS, toConversation, type Conversation } from './conversations.ts';
import type { Db } from '../sql.ts';

const cols = (alias: string) =>
  CONVERSATION_COLUMNS.split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');

/** What the claim's one statement found: the conversation won, or (lost) what it is now. */
export type ClaimAttempt =
  | {
      won: true;
      conversation: Conversation;
      /** The agent's own limit and the conversation's team's, for the capacity rule (no count yet). */
      ownLimit: number | null;
      teamLimit: number | null;
      contactName: string;
      contactWhatsapp: string | null;
      channel: { id: string; kind: string; name: string };
      teamName: string | null;
      /** The organization tells WhatsApp customers when an agent joins (server/commands/conversations/notices.ts). */
      notifyJoined: boolean;
    }
  /** `current` null: there is no such conversation in the organization. */
  | { won: false; current: ClaimedElsewhere | null };

/** The conversation as a losing claim sees it, with what the refusal names. */
export interface ClaimedElsewhere {
  conversation: Conversation;
  /** Invited colleagues (none once closed, as the permission rules count them). */
  participantIds: string[];
  assigneeName: string | null;
  offeredToName: string | null;
}

/**
 * The claim in one statement: the conditional UPDATE (however many agents click at once, on
 * however many processes, PostgreSQL lets exactly one row update through: only a waiting
 * conversation, waiting for this agent or for one of their teams), the agent's capacity lock
 * (held to COMMIT, as every count of their load takes it) with both limits, the audit row, and
 * what the answer names (contact, channel, team). A caller that did not win gets the
 * conversation as it is now, with what a refusal names.
 */
export async function claimWaiting(
  db: Db,
  orgId: string,
  conversationId: string,
  agent: { id: string; teamIds: readonly string[]; ip: string },
): Promise<ClaimAttempt> {
  const rows = await db.unsafe(
    `WITH won AS (
      UPDATE conversations SET status = 'active', assignee_id = $3, claimed_at = now(), target_user_id = NULL, last_activity_at = now()
      WHERE org_id = $1 AND id = $2 AND status = 'waiting'
        AND (target_user_id = $3 OR (target_user_id IS NULL AND team_id = ANY($4::uuid[])))
        AND (offered_to IS NULL OR offered_to = $3)
      RETURNING ${CONVERSATION_COLUMNS}
    ), capacity AS (
      SELECT pg_advisory_xact_lock(hashtext('atende_capacity:' || $3::text)) AS locked,
        (SELECT u.max_conversations FROM users u WHERE u.org_id = $1 AND u.id = $3) AS own_limit
      FROM won
    ), current AS (
      -- Not won: the row as it is now. A locking read returns the newest committed version (the
      -- statement's snapshot may predate the winner's COMMIT it waited for) — FOR SHARE, not
      -- FOR KEY SHARE, which may lock the older version without following the update. Held
      -- until this transaction ends, a moment later (a refusal rolls back).
      SELECT * FROM conversations WHERE org_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM won) FOR SHARE
    ), audited AS (
      INSERT INTO audit_log (org_id, action, actor_user_id, ip, details)
      SELECT $1, 'conversation_claimed', $3, $5, jsonb_build_object('conversationId', won.id) FROM won
    )
    SELECT true AS won, ${cols('won')}, capacity.own_limit, t.max_per_agent AS team_limit, t.name AS team_name,
      k.name AS contact_name, k.whatsapp AS contact_whatsapp, ch.kind AS channel_kind, ch.name AS channel_name, o.notify_joined,
      NULL::uuid[] AS participant_ids, NULL::text AS assignee_name, NULL::text AS offered_to_name
    FROM won CROSS JOIN capacity
      JOIN contacts k ON k.org_id = won.org_id AND k.id = won.contact_id
      JOIN channels ch ON ch.org_id = won.org_id AND ch.id = won.channel_id
      JOIN organizations o ON o.id = won.org_id
      LEFT JOIN teams t ON t.org_id = won.org_id AND t.id = won.team_id
    UNION ALL
    SELECT false, ${cols('c')}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      CASE WHEN c.status = 'closed' THEN '{}'::uuid[] ELSE ARRAY(SELECT p.user_id FROM conversation_participants p
        WHERE p.org_id = c.org_id AND p.conversation_id = c.id ORDER BY p.joined_at) END,
      (SELECT u.name FROM users u WHERE u.org_id = c.org_id AND u.id = c.assignee_id),
      (SELECT u.name FROM users u WHERE u.org_id = c.org_id AND u.id = c.offered_to)
    FROM current c`,
    [orgId, conversationId, agent.id, agent.teamIds as string[], agent.ip] as never[],
    { prepare: true },
  );
  const r = rows[0];
  if (!r) return { won: false, current: null };
  if (!r.won) return { won: false, current: elsewhere(r) };
  return {
    won: true,
    conversation: toConversation(r),
    ownLimit: (r.own_limit as number | null) ?? null,
    teamLimit: (r.team_limit as number | null) ?? null,
    contactName: r.contact_name as string,
    contactWhatsapp: (r.contact_whatsapp as string | null) ?? null,
    channel: { id: r.channel_id as string, kind: r.channel_kind as string, name: r.channel_name as string },
    teamName: (r.team_name as string | null) ?? null,
    notifyJoined: r.notify_joined as boolean,
  };
}

function elsewhere(r: Record<string, unknown>): ClaimedElsewhere {
  return {
    conversation: toConversation(r),
    participantIds: (r.participant_ids as string[] | null) ?? [],
    assigneeName: (r.assignee_name as string | null) ?? null,
    offeredToName: (r.offered_to_name as string | null) ?? null,
  };
}
